import { retireStore } from "../retire-store.js";
import { load, type HostLocalContext } from "./context.js";

/** INIT (docs/lifecycle.md): validate the config, create the network's store directory and index it. Idempotent. */
export function init(ctx: HostLocalContext): void {
  const { store, allocator } = load(ctx);
  store.ensure();
  allocator.reindex();
}

/**
 * DEINIT: removes only what this host-local alone wrote (its owner index) and the store
 * directory once that leaves it empty. Reservations, and the files Go's host-local shares
 * (lock, last_reserved_ip.N), are never ours to delete. Idempotent.
 */
export function deinit(ctx: HostLocalContext): void {
  const { store } = load(ctx);
  const r = retireStore(store.dir);
  if (r.state === "in-use") {
    const others = r.others > 0 ? ` and ${r.others} other file(s)` : "";
    ctx.log.warn(`deinit: ${store.dir} still holds ${r.reservations} reservation(s)${others}; the store is left as it is`);
  } else if (r.state === "not-a-directory") {
    ctx.log.warn(`deinit: ${store.dir} is not a directory; left as it is`);
  } else if (r.state === "kept") {
    ctx.log.info(`deinit: ${store.dir} kept for ${r.left.join(", ")}`);
  }
}
