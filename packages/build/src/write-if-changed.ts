import { chmodSync, closeSync, fsyncSync, mkdirSync, openSync, readFileSync, renameSync, writeSync } from "node:fs";
import { dirname } from "node:path";

/** Atomically replace path with data (temp + fsync + rename) unless it already holds exactly that. */
export function writeIfChanged(path: string, data: string | Buffer, mode = 0o755): boolean {
  const buf = typeof data === "string" ? Buffer.from(data) : data;
  try {
    if (readFileSync(path).equals(buf)) {
      chmodSync(path, mode);
      return false;
    }
  } catch {
    // missing: write it
  }
  mkdirSync(dirname(path), { recursive: true });
  const tmp = `${path}.tmp-${process.pid}`;
  const fd = openSync(tmp, "w", mode);
  try {
    writeSync(fd, buf);
    fsyncSync(fd);
  } finally {
    closeSync(fd);
  }
  chmodSync(tmp, mode);
  renameSync(tmp, path);
  return true;
}
