import { closeSync, fsyncSync, openSync, unlinkSync, writeSync } from "node:fs";

/**
 * Creates `path` with O_EXCL and writes `data`. Returns false when it already exists:
 * the file itself is the claim, so two processes can never both win.
 */
export function createExclusive(path: string, data: string | Buffer, mode = 0o644): boolean {
  let fd: number;
  try {
    fd = openSync(path, "wx", mode);
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === "EEXIST") return false;
    throw e;
  }
  try {
    writeSync(fd, typeof data === "string" ? Buffer.from(data) : data);
    fsyncSync(fd);
  } catch (e) {
    closeSync(fd);
    unlinkSync(path); // a claim we could not complete must not stay
    throw e;
  }
  closeSync(fd);
  return true;
}
