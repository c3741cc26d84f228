import type { Backend } from "./backend.js";

/*
 * What `#netlink` is wherever the "bun" export condition is not set (node, and the node
 * target's bundle even when bun runs it): no FFI, so no in-process netlink, and the bundle
 * carries none of its code. backend.ts then chooses iproute2.
 */
export const netlinkBackend: Backend | undefined = undefined;
