import { createHash } from "node:crypto";
import { readFileSync, renameSync } from "node:fs";
import { dirname, join, resolve } from "node:path";
import { MANIFEST, readManifest } from "./manifest.js";
import { exists, restore } from "./install.js";
import { fsyncDir, linkedTo, removeIfExists } from "./place.js";

export interface UninstallReport {
  dir: string;
  removed: string[];
  restored: string[];
  /** Names we made that someone changed since: left in place. */
  kept: string[];
}

/**
 * Undo `install`: remove exactly the names it made that still are what it made (the same
 * inode, symlink or copy of its executable), put back the files it replaced, remove its
 * executable and the conflists it wrote (unless changed since), then its manifest.
 * Nothing installed: nothing to do.
 */
export function uninstall(dirArg: string): UninstallReport {
  const dir = resolve(dirArg);
  const report: UninstallReport = { dir, removed: [], restored: [], kept: [] };
  const m = readManifest(dir);
  if (!m) return report;
  const exe = join(dir, m.executable);
  for (const name of m.names) {
    if (linkedTo(dir, name, exe, m.link)) {
      removeIfExists(join(dir, name));
      report.removed.push(name);
    } else if (exists(join(dir, name))) {
      report.kept.push(name);
      continue;
    }
    if (restore(dir, name, m)) report.restored.push(name);
  }
  removeIfExists(exe);
  report.removed.push(m.executable);
  if (restore(dir, m.executable, m)) report.restored.push(m.executable);
  for (const c of m.conflists) {
    const now = exists(c.path) ? createHash("sha256").update(readFileSync(c.path)).digest("hex") : undefined;
    if (now === c.sha256) {
      removeIfExists(c.path);
      report.removed.push(c.path);
    } else if (now !== undefined) report.kept.push(c.path);
    if (c.replaced && exists(c.replaced) && !exists(c.path)) {
      renameSync(c.replaced, c.path);
      report.restored.push(c.path);
    }
    fsyncDir(dirname(c.path));
  }
  removeIfExists(join(dir, MANIFEST));
  fsyncDir(dir);
  return report;
}
