import { chmodSync, closeSync, constants, copyFileSync, fsyncSync, linkSync, lstatSync, openSync, readlinkSync, readSync, renameSync, statSync, symlinkSync, unlinkSync } from "node:fs";
import { basename, dirname, join } from "node:path";
import { fsyncDir, removeFile } from "@tscni/state";

/*
 * How a file appears in a plugin directory while runtimes keep exec'ing from it: every
 * name is made under a temporary name first and renamed into place, so an exec sees the
 * old file or the whole new one (rename replaces the directory entry; the old inode lives
 * on for processes that have it open), never a partial file (ENOEXEC) or one still open
 * for writing (ETXTBSY).
 */

const tmpName = (dir: string, name: string) => join(dir, `.${name}.tscni-tmp-${process.pid}-${Math.random().toString(36).slice(2, 8)}`);

/** Copy `src` to `dir/name`: temp copy, fsync, mode 0755, rename. */
export function placeCopy(src: string, dir: string, name: string): void {
  const tmp = tmpName(dir, name);
  try {
    copyFileSync(src, tmp, constants.COPYFILE_EXCL);
    const fd = openSync(tmp, "r+");
    try {
      fsyncSync(fd);
    } finally {
      closeSync(fd);
    }
    chmodSync(tmp, 0o755); // an executable whatever the source's mode was
    renameSync(tmp, join(dir, name));
  } catch (e) {
    removeFile(tmp);
    throw e;
  }
}

/**
 * `dir/name` becomes a hard link to (or a symlink to the file name of) `target`, a file in
 * `dir`. A hard link the filesystem refuses falls back to a symlink. Returns the kind made.
 */
export function placeLink(dir: string, name: string, target: string, kind: "hard" | "sym"): "hard" | "sym" {
  const tmp = tmpName(dir, name);
  let made = kind;
  try {
    if (kind === "hard") {
      try {
        linkSync(target, tmp);
      } catch (e) {
        const code = (e as NodeJS.ErrnoException).code;
        if (code !== "EXDEV" && code !== "EPERM" && code !== "EMLINK") throw e;
        made = "sym";
      }
    }
    if (made === "sym") symlinkSync(dirname(target) === dir ? basename(target) : target, tmp);
    renameSync(tmp, join(dir, name));
    return made;
  } catch (e) {
    removeFile(tmp);
    throw e;
  }
}

/** Does `dir/name` already stand for `target` the way `kind` would make it? */
export function linkedTo(dir: string, name: string, target: string, kind: "hard" | "sym" | "copy"): boolean {
  const path = join(dir, name);
  try {
    const st = lstatSync(path);
    if (st.isSymbolicLink()) {
      const to = readlinkSync(path);
      return kind === "sym" && (to === basename(target) || to === target);
    }
    const t = statSync(target);
    if (kind === "copy") return st.ino !== t.ino && sameContent(path, target);
    return kind === "hard" && st.ino === t.ino && st.dev === t.dev;
  } catch {
    return false;
  }
}

/** Byte-for-byte equality, read in chunks (stops at the first difference). */
export function sameContent(a: string, b: string): boolean {
  let fa: number | undefined;
  let fb: number | undefined;
  try {
    fa = openSync(a, "r");
    fb = openSync(b, "r");
    const sa = statSync(a).size;
    if (sa !== statSync(b).size) return false;
    const ba = Buffer.allocUnsafe(1 << 20);
    const bb = Buffer.allocUnsafe(1 << 20);
    for (let pos = 0; pos < sa; ) {
      const na = readSync(fa, ba, 0, ba.length, pos);
      const nb = readSync(fb, bb, 0, bb.length, pos);
      if (na !== nb || ba.compare(bb, 0, nb, 0, na) !== 0) return false;
      if (na === 0) break;
      pos += na;
    }
    return true;
  } catch {
    return false;
  } finally {
    if (fa !== undefined) closeSync(fa);
    if (fb !== undefined) closeSync(fb);
  }
}

/** Move `dir/name` aside (same directory, so a rename); returns the new name. */
export function moveAside(dir: string, name: string, stamp: string): string {
  const aside = `.tscni-replaced-${name}-${stamp}`;
  renameSync(join(dir, name), join(dir, aside));
  return aside;
}

export function removeIfExists(path: string): void {
  try {
    unlinkSync(path);
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code !== "ENOENT") throw e;
  }
}

export { fsyncDir };
