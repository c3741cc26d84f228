import type { openLibcSync as OpenLibcSync } from "./bun-libc.js";

export type { FfiType, OpenedLibc, Signature } from "./bun-libc.js";

/*
 * What `#libc` and `@tscni/state/bun-libc` are wherever the "bun" export condition is not
 * set: node, and the node target's bundle even when bun runs it. There is no FFI there, so
 * every caller takes its other way (node:fs, flock(1), `ip`), and a node bundle carries none
 * of the FFI code (packages/build/README.md "Which runtime a target is for").
 */
export const openLibcSync: typeof OpenLibcSync = () => undefined;
