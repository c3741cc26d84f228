import { openLibcSync } from "@tscni/state/bun-libc";

/*
 * The few libc calls the standalone build makes directly (bun:ffi, opened by
 * @tscni/state/bun-libc): setns(2) for thread-netns.ts, and a netlink socket for netlink/.
 * Node has no FFI: libc() answers undefined there (and if libc.so.6 cannot be opened), and
 * callers exec `ip`/`sysctl`.
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

let loaded: { libc: Libc | undefined } | undefined;

/** The binding, once per process. */
export function libc(): Libc | undefined {
  loaded ??= { libc: bind() };
  return loaded.libc;
}

function bind(): Libc | undefined {
  const c = openLibcSync({
    setns: { args: ["i32", "i32"], returns: "i32" },
    socket: { args: ["i32", "i32", "i32"], returns: "i32" },
    setsockopt: { args: ["i32", "i32", "i32", "ptr", "u32"], returns: "i32" },
    sendto: { args: ["i32", "ptr", "u64_fast", "i32", "ptr", "u32"], returns: "i64_fast" },
    recv: { args: ["i32", "ptr", "u64_fast", "i32"], returns: "i64_fast" },
    close: { args: ["i32"], returns: "i32" },
  });
  return (
    c && {
      setns: (fd, t) => c.fn.setns(fd, t),
      socket: (d, t, p) => c.fn.socket(d, t, p),
      setsockopt: (fd, l, n, v, len) => c.fn.setsockopt(fd, l, n, v, len),
      sendto: (fd, b, len, fl, a, al) => c.fn.sendto(fd, b, len, fl, a, al),
      recv: (fd, b, len, fl) => c.fn.recv(fd, b, len, fl),
      close: (fd) => c.fn.close(fd),
      errno: c.errno,
    }
  );
}
