import { load, type HostLocalContext } from "./context.js";

/** DEL: releases every address of (containerID, ifname); nothing to release is success. */
export function del(ctx: HostLocalContext): void {
  const { store, allocator } = load(ctx);
  if (!store.exists()) return; // never create the store just to find it empty
  const released = allocator.release(ctx.containerId, ctx.ifname);
  if (released.length > 0) ctx.log.debug(`released ${released.join(", ")}`);
}
