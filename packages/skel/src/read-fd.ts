/** A network config is a few KiB; anything past this is a mistake or an attack. */
export const MAX_STDIN_BYTES = 4 * 1024 * 1024;

export type FdRead = { data: Buffer } | { error: unknown } | { oversize: true };

/** One read(2): bytes read, 0 at the end; errors are thrown as errno errors (`code`). */
export type ReadFn = (fd: number, buf: Uint8Array) => number;

/** node:fs's readSync, taken when called: under Bun, loading node:fs costs more than a VERSION's own work. */
const nodeRead: ReadFn = (fd, buf) => process.getBuiltinModule("node:fs").readSync(fd, buf, 0, buf.length, null);

/**
 * Reads all of `fd` synchronously, refusing more than `max` bytes. No imports at all, so
 * code that runs before the rest loads (bridge's early IPAM start) can use it too.
 */
export function readFdSync(fd: number, max = MAX_STDIN_BYTES, read: ReadFn = nodeRead): FdRead {
  const chunks: Buffer[] = [];
  let total = 0;
  const buf = Buffer.allocUnsafe(64 * 1024);
  for (;;) {
    let n: number;
    try {
      n = read(fd, buf);
    } catch (e) {
      const code = (e as NodeJS.ErrnoException).code;
      if (code === "EAGAIN") continue; // non-blocking pipe not ready yet
      if (code === "EOF") break;
      return { error: e };
    }
    if (n === 0) break;
    total += n;
    if (total > max) return { oversize: true };
    chunks.push(Buffer.from(buf.subarray(0, n)));
  }
  return { data: Buffer.concat(chunks, total) };
}
