import { openLibcSync } from "@tscni/state/bun-libc";
import { readFdSync, type FdRead, type ReadFn } from "./read-fd.js";

/** How skel reads its stdin and writes its answer and its stderr lines. */
export interface Stdio {
  readAll(fd: number): FdRead;
  /** Synchronous and whole, so nothing is lost when the process exits right after. */
  write(fd: number, s: string): void;
}

type WriteFn = (fd: number, buf: Uint8Array) => number;

/**
 * VERSION touches no file but its stdin and stdout, so under Bun it reads and writes with
 * read(2)/write(2) through libc and never loads node:fs, which costs a VERSION more than
 * everything else it does (packages/build/README.md). Every other verb uses node:fs: the
 * plugin's own work loads it anyway. Under Node (no FFI) it is node:fs throughout.
 */
export function stdioFor(command: string | undefined): Stdio {
  return (command === "VERSION" && libcStdio()) || nodeStdio;
}

const nodeStdio: Stdio = {
  readAll: (fd) => readFdSync(fd),
  write: (fd, s) => writeAll(fd, s, (f, buf) => process.getBuiltinModule("node:fs").writeSync(f, buf)),
};

const EINTR = 4;
const EAGAIN = 11;

function libcStdio(): Stdio | undefined {
  const c = openLibcSync({
    read: { args: ["i32", "ptr", "u64_fast"], returns: "i64_fast" },
    write: { args: ["i32", "ptr", "u64_fast"], returns: "i64_fast" },
  });
  if (!c) return undefined;
  // A failed call becomes the errno error node:fs would throw, so callers see one shape.
  const call = (name: "read" | "write", fd: number, buf: Uint8Array): number => {
    for (;;) {
      const n = c.fn[name](fd, buf, buf.length);
      if (n >= 0) return n;
      const errno = c.errno();
      if (errno === EINTR) continue;
      throw Object.assign(new Error(`${name}(2) on fd ${fd} failed: errno ${errno}`), { errno: -errno, syscall: name, ...(errno === EAGAIN ? { code: "EAGAIN" } : {}) });
    }
  };
  const read: ReadFn = (fd, buf) => call("read", fd, buf);
  return { readAll: (fd) => readFdSync(fd, undefined, read), write: (fd, s) => writeAll(fd, s, (f, buf) => call("write", f, buf)) };
}

function writeAll(fd: number, s: string, write: WriteFn): void {
  const buf = Buffer.from(s);
  let off = 0;
  while (off < buf.length) {
    try {
      off += write(fd, buf.subarray(off));
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== "EAGAIN") return; // nowhere left to report it
    }
  }
}
