import { readSync } from "node:fs";
import { CniError, ErrorCode } from "@tscni/types";

/** A network config is a few KiB; anything past this is a mistake or an attack. */
export const MAX_STDIN_BYTES = 4 * 1024 * 1024;

/** Reads all of fd 0 synchronously (plugins read stdin once, before anything else). */
export function readStdinSync(fd = 0): Buffer {
  const chunks: Buffer[] = [];
  let total = 0;
  const buf = Buffer.allocUnsafe(64 * 1024);
  for (;;) {
    let n: number;
    try {
      n = readSync(fd, buf, 0, buf.length, null);
    } catch (e) {
      const code = (e as NodeJS.ErrnoException).code;
      if (code === "EAGAIN") continue; // non-blocking pipe not ready yet
      if (code === "EOF") break;
      throw new CniError(ErrorCode.IoFailure, `error reading from stdin: ${(e as Error).message}`);
    }
    if (n === 0) break;
    total += n;
    if (total > MAX_STDIN_BYTES) throw new CniError(ErrorCode.DecodeFailure, `stdin larger than ${MAX_STDIN_BYTES} bytes`);
    chunks.push(Buffer.from(buf.subarray(0, n)));
  }
  return Buffer.concat(chunks, total);
}
