/*
 * libc through bun:ffi, the one place this repository opens it: the standalone build (Bun)
 * calls a few libc functions itself (flock(2) here; setns and a netlink socket in
 * @tscni/net; read(2)/write(2) for skel's VERSION). Only the "bun" export condition resolves
 * this file (no-libc.ts elsewhere); should Node load it anyway, or libc not open, openLibcSync
 * answers undefined and the caller takes its other way.
 */

export type FfiType = "i32" | "u32" | "ptr" | "u64_fast" | "i64_fast";
export interface Signature {
  args: FfiType[];
  returns: FfiType;
}

export interface OpenedLibc<K extends string> {
  fn: Record<K, (...args: unknown[]) => number>;
  /** errno of the last failed call on this thread. */
  errno(): number;
}

/** The part of bun:ffi used here (this repository has no Bun types). */
interface BunFfi {
  dlopen(lib: string, symbols: Record<string, { args: unknown[]; returns: unknown }>): { symbols: Record<string, (...a: unknown[]) => unknown> };
  FFIType: Record<FfiType, unknown>;
  read: { i32(ptr: unknown, offset: number): number };
}

/** libc.so.6 with these functions bound (and errno), under Bun; undefined elsewhere. */
export function openLibcSync<K extends string>(signatures: Record<K, Signature>): OpenedLibc<K> | undefined {
  if (!(globalThis as { Bun?: unknown }).Bun) return undefined;
  try {
    // getBuiltinModule, not an import: synchronous, and invisible to bundlers (Node never gets here).
    const { dlopen, FFIType, read } = (process.getBuiltinModule as (id: string) => BunFfi)("bun:ffi");
    const defs: Record<string, { args: unknown[]; returns: unknown }> = { __errno_location: { args: [], returns: FFIType.ptr } };
    for (const [name, sig] of Object.entries<Signature>(signatures)) defs[name] = { args: sig.args.map((t) => FFIType[t]), returns: FFIType[sig.returns] };
    const { symbols } = dlopen("libc.so.6", defs);
    return { fn: symbols as OpenedLibc<K>["fn"], errno: () => read.i32(symbols.__errno_location!(), 0) };
  } catch {
    return undefined;
  }
}
