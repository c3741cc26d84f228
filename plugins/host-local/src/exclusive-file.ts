import { closeSync, fsyncSync, futimesSync, openSync, unlinkSync, writeSync } from "node:fs";
import { join } from "node:path";

// Temp names need uniqueness, not secrecy: O_EXCL refuses a clash (say, a file left by a
// dead process that had our pid) and we take the next name. node:crypto is avoided on
// purpose: loading it costs ~3 ms of startup under Bun, paid by every exec.
let seq = 0;
const tag = `${process.pid.toString(36)}-${Date.now().toString(36)}`;

function nextName(prefix: string): string {
  return `${prefix}${tag}-${(seq++).toString(36)}${Math.floor(Math.random() * 0x1000000).toString(36)}`;
}

export interface WriteOptions {
  mode?: number;
  /** fsync before close: for content that must never be seen empty after a power loss. */
  sync?: boolean;
  /** atime and mtime (seconds) to set before close. */
  stamp?: number;
}

/**
 * Creates `<dir>/<prefix><unique>` with O_EXCL, writes `data`, closes it and returns its
 * path. On a write error the file is removed again and the error thrown.
 */
export function writeExclusive(dir: string, prefix: string, data: string | Uint8Array, opts: WriteOptions = {}): string {
  for (let tries = 0; ; tries++) {
    const path = join(dir, nextName(prefix));
    let fd: number;
    try {
      fd = openSync(path, "wx", opts.mode ?? 0o600);
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code === "EEXIST" && tries < 16) continue;
      throw e;
    }
    try {
      if (typeof data === "string") writeSync(fd, data);
      else writeSync(fd, data);
      if (opts.stamp !== undefined) futimesSync(fd, opts.stamp, opts.stamp);
      if (opts.sync) fsyncSync(fd);
    } catch (e) {
      closeSync(fd);
      try {
        unlinkSync(path);
      } catch {
        // a leftover temp file holds at most the owner key: DEL and GC remove it
      }
      throw e;
    }
    closeSync(fd);
    return path;
  }
}
