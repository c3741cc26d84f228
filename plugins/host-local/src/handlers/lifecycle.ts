import { load, type HostLocalContext } from "./context.js";

/** INIT (LIFECYCLE.md): validate the config, create the network's store directory and index it. Idempotent. */
export function init(ctx: HostLocalContext): void {
  const { store, allocator } = load(ctx, false);
  store.ensure();
  allocator.reindex();
}

/** DEINIT: the network is gone, so its store goes, with whatever reservations are left. Idempotent. */
export function deinit(ctx: HostLocalContext): void {
  const { store } = load(ctx, false);
  store.destroy();
}
