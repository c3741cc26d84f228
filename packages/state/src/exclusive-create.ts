import { closeSync, fsyncSync, futimesSync, openSync, unlinkSync, writeSync } from "node:fs";
import { join } from "node:path";

export interface ExclusiveOptions {
  /** Default 0o644. */
  mode?: number;
  /** fsync before close (default true): a claim must never be seen empty after a power loss. */
  sync?: boolean;
  /** atime and mtime (seconds) to set before close. */
  stamp?: number;
}

/**
 * Creates `path` with O_EXCL and writes `data`. Returns false when it already exists: the
 * file itself is the claim, so two processes can never both win. A claim that could not be
 * completed is removed again and the error thrown.
 */
export function createExclusive(path: string, data: string | Uint8Array, opts: ExclusiveOptions = {}): boolean {
  let fd: number;
  try {
    fd = openSync(path, "wx", opts.mode ?? 0o644);
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === "EEXIST") return false;
    throw e;
  }
  try {
    writeSync(fd, typeof data === "string" ? Buffer.from(data) : data);
    if (opts.stamp !== undefined) futimesSync(fd, opts.stamp, opts.stamp);
    if (opts.sync ?? true) fsyncSync(fd);
  } catch (e) {
    closeSync(fd);
    try {
      unlinkSync(path);
    } catch {
      // a leftover holds at most what we meant to write: its owner's DEL or GC removes it
    }
    throw e;
  }
  closeSync(fd);
  return true;
}

// Unique names need uniqueness, not secrecy: O_EXCL refuses a clash (say, a file left by a
// dead process that had our pid) and we take the next name. node:crypto is avoided on
// purpose: a plugin is exec'd per call and pays for every module it loads.
let seq = 0;
const tag = `${process.pid.toString(36)}-${Date.now().toString(36)}`;
const nextName = (prefix: string) => `${prefix}${tag}-${(seq++).toString(36)}${Math.floor(Math.random() * 0x1000000).toString(36)}`;

/** createExclusive under a fresh name `<dir>/<prefix><unique>`; returns its path. */
export function createUnique(dir: string, prefix: string, data: string | Uint8Array, opts: ExclusiveOptions = {}): string {
  for (let tries = 0; ; tries++) {
    const path = join(dir, nextName(prefix));
    if (createExclusive(path, data, opts)) return path;
    if (tries >= 16) throw Object.assign(new Error(`EEXIST: no free name for ${prefix} in ${dir}`), { code: "EEXIST" });
  }
}
