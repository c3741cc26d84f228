import { CniError, ErrorCode, VALID_ATTACHMENTS_KEY } from "@tscni/types";
import { ownerKey } from "../store.js";
import { load, type HostLocalContext } from "./context.js";

/**
 * GC (CNI 1.1): release every reservation whose owner is not in
 * cni.dev/valid-attachments, including ownerless files a crashed ADD left.
 * Keeps going past errors and reports them all at the end. Without the key nothing is
 * released (code 7): a missing list must not read as "no attachment is valid"; `[]` does.
 */
export function gc(ctx: HostLocalContext): void {
  const valid = ctx.config[VALID_ATTACHMENTS_KEY];
  if (valid === undefined)
    throw new CniError(ErrorCode.InvalidConfig, `GC needs ${VALID_ATTACHMENTS_KEY} in the config`, `an empty list releases every reservation of the network; a missing one releases nothing`);
  const { store, allocator } = load(ctx);
  if (!store.exists()) return;
  const before = allocator.index.snapshot();
  const keys = new Set(valid.map((a) => ownerKey(a.containerID, a.ifname)));
  const ids = new Set(valid.map((a) => a.containerID.trim()));
  // ID-only files come from Go versions that did not record ifname: keep them if the ID is still valid.
  const keep = (owner: string) => (owner.includes("\r\n") ? keys.has(owner) : owner !== "" && ids.has(owner));
  const errors: string[] = [];
  const released: string[] = [];
  const entries = store.entries();
  for (const e of entries) {
    if (keep(e.owner)) continue;
    try {
      if (store.release(e.name, e.owner)) released.push(e.name);
    } catch (err) {
      errors.push(`${e.name}: ${(err as Error).message}`);
    }
  }
  // GC already read everything: refresh the index from what is left (stop-the-world, so nothing races it).
  const gone = new Set(released);
  try {
    allocator.index.rebuild(entries.filter((e) => !gone.has(e.name)), before);
    allocator.index.prune(keep);
  } catch {
    allocator.index.invalidate();
  }
  if (released.length > 0) ctx.log.info(`gc released ${released.join(", ")}`);
  if (errors.length > 0) throw new CniError(ErrorCode.IoFailure, `host-local gc: failed to release ${errors.length} reservation(s)`, errors.join("; "));
}
