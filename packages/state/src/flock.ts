import { openLibcSync } from "#libc";

/*
 * flock(2) itself, through bun:ffi (bun-libc.ts), where the runtime has FFI (the standalone
 * build): an uncontended lock then costs no exec. Node has no FFI: tryFlock answers undefined there
 * (and when libc cannot be opened), and the caller execs flock(1) as before.
 */

const LOCK_SH = 1;
const LOCK_EX = 2;
const LOCK_NB = 4;
const EINTR = 4;
const EWOULDBLOCK = 11;

type Flock = (fd: number, op: number) => { ok: true } | { errno: number };
let loaded: { flock: Flock | undefined } | undefined;

function flockCall(): Flock | undefined {
  if (!loaded) {
    const c = openLibcSync({ flock: { args: ["i32", "i32"], returns: "i32" } });
    loaded = { flock: c && ((fd: number, op: number) => (c.fn.flock(fd, op) === 0 ? { ok: true } : { errno: c.errno() })) };
  }
  return loaded.flock;
}

/**
 * Takes the lock on `fd` now if nobody holds it in a conflicting mode: true when taken, false
 * when busy (the caller waits some other way), undefined when this runtime cannot call
 * flock(2). Any other failure is thrown as an errno error.
 */
export async function tryFlock(fd: number, shared: boolean): Promise<boolean | undefined> {
  const flock = flockCall();
  if (!flock) return undefined;
  for (;;) {
    const r = flock(fd, (shared ? LOCK_SH : LOCK_EX) | LOCK_NB);
    if ("ok" in r) return true;
    if (r.errno === EWOULDBLOCK) return false;
    if (r.errno !== EINTR) throw Object.assign(new Error(`flock(2) failed: errno ${r.errno}`), { errno: -r.errno, syscall: "flock" });
  }
}
