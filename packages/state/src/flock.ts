/*
 * flock(2) itself, through bun:ffi, where the runtime has FFI (the standalone build): an
 * uncontended lock then costs no exec. Node has no FFI: tryFlock answers undefined there
 * (and when libc cannot be opened), and the caller execs flock(1) as before.
 */

const LOCK_SH = 1;
const LOCK_EX = 2;
const LOCK_NB = 4;
const EINTR = 4;
const EWOULDBLOCK = 11;

/** The part of bun:ffi used here (this repository has no Bun types). */
interface BunFfi {
  dlopen(lib: string, symbols: Record<string, { args: unknown[]; returns: unknown }>): { symbols: Record<string, (...a: unknown[]) => unknown> };
  FFIType: Record<"i32" | "ptr", unknown>;
  read: { i32(ptr: unknown, offset: number): number };
}
/** A variable specifier: bundlers leave it to the runtime, and Node never reaches it. */
const BUN_FFI = "bun:ffi";

type Flock = (fd: number, op: number) => { ok: true } | { errno: number };
let loaded: Promise<Flock | undefined> | undefined;

function flockCall(): Promise<Flock | undefined> {
  loaded ??= (async () => {
    if (!(globalThis as { Bun?: unknown }).Bun) return undefined;
    try {
      const { dlopen, FFIType: T, read } = (await import(BUN_FFI)) as BunFfi;
      const { symbols: s } = dlopen("libc.so.6", {
        flock: { args: [T.i32, T.i32], returns: T.i32 },
        __errno_location: { args: [], returns: T.ptr },
      });
      return (fd: number, op: number) => (s.flock!(fd, op) === 0 ? { ok: true } : { errno: read.i32(s.__errno_location!(), 0) });
    } catch {
      return undefined;
    }
  })();
  return loaded;
}

/**
 * Takes the lock on `fd` now if nobody holds it in a conflicting mode: true when taken, false
 * when busy (the caller waits some other way), undefined when this runtime cannot call
 * flock(2). Any other failure is thrown as an errno error.
 */
export async function tryFlock(fd: number, shared: boolean): Promise<boolean | undefined> {
  const flock = await flockCall();
  if (!flock) return undefined;
  for (;;) {
    const r = flock(fd, (shared ? LOCK_SH : LOCK_EX) | LOCK_NB);
    if ("ok" in r) return true;
    if (r.errno === EWOULDBLOCK) return false;
    if (r.errno !== EINTR) throw Object.assign(new Error(`flock(2) failed: errno ${r.errno}`), { errno: -r.errno, syscall: "flock" });
  }
}
