/*
 * The few libc calls the standalone build makes directly (bun:ffi): setns(2) for
 * thread-netns.ts, and a netlink socket for netlink/. Node has no FFI: libc() answers
 * undefined there (and if libc.so.6 cannot be opened), and callers exec `ip`/`sysctl`.
 */

export interface Libc {
  setns(fd: number, nstype: number): number;
  socket(domain: number, type: number, protocol: number): number;
  setsockopt(fd: number, level: number, name: number, value: Uint8Array, len: number): number;
  sendto(fd: number, buf: Uint8Array, len: number, flags: number, addr: Uint8Array, addrlen: number): number;
  recv(fd: number, buf: Uint8Array, len: number, flags: number): number;
  close(fd: number): number;
  /** errno of the last failed call on this thread. */
  errno(): number;
}

/** The part of bun:ffi used here (this repo has no Bun types). */
interface BunFfi {
  dlopen(lib: string, symbols: Record<string, { args: unknown[]; returns: unknown }>): { symbols: Record<string, (...a: unknown[]) => unknown> };
  FFIType: Record<"i32" | "u32" | "ptr" | "u64_fast" | "i64_fast", unknown>;
  read: { i32(ptr: unknown, offset: number): number };
}
/** A variable specifier: bundlers leave it to the runtime, and Node never reaches it. */
const BUN_FFI = "bun:ffi";

let loaded: Promise<Libc | undefined> | undefined;

export function libc(): Promise<Libc | undefined> {
  loaded ??= (async () => {
    if (!(globalThis as { Bun?: unknown }).Bun) return undefined;
    try {
      const { dlopen, FFIType: T, read } = (await import(BUN_FFI)) as BunFfi;
      const { symbols: s } = dlopen("libc.so.6", {
        setns: { args: [T.i32, T.i32], returns: T.i32 },
        socket: { args: [T.i32, T.i32, T.i32], returns: T.i32 },
        setsockopt: { args: [T.i32, T.i32, T.i32, T.ptr, T.u32], returns: T.i32 },
        sendto: { args: [T.i32, T.ptr, T.u64_fast, T.i32, T.ptr, T.u32], returns: T.i64_fast },
        recv: { args: [T.i32, T.ptr, T.u64_fast, T.i32], returns: T.i64_fast },
        close: { args: [T.i32], returns: T.i32 },
        __errno_location: { args: [], returns: T.ptr },
      });
      const f = s as Record<string, (...a: unknown[]) => number>;
      return {
        setns: (fd, t) => f.setns!(fd, t),
        socket: (d, t, p) => f.socket!(d, t, p),
        setsockopt: (fd, l, n, v, len) => f.setsockopt!(fd, l, n, v, len),
        sendto: (fd, b, len, fl, a, al) => f.sendto!(fd, b, len, fl, a, al),
        recv: (fd, b, len, fl) => f.recv!(fd, b, len, fl),
        close: (fd) => f.close!(fd),
        errno: () => read.i32(s.__errno_location!(), 0),
      };
    } catch {
      return undefined;
    }
  })();
  return loaded;
}
