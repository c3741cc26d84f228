import { linkSync, mkdirSync, readdirSync, renameSync, rmSync, statSync } from "node:fs";
import { join } from "node:path";

/** Where `pnpm build` puts a hard link of the standalone multi-call file per name it holds: dist/multi. */
export const MULTI_LINKS_DIR = "multi";

export interface MultiLinks {
  dir: string;
  /** Names (re)linked by this call; the others already were links of `file`. */
  linked: string[];
  /** Entries removed: names the file no longer holds, temp files of an interrupted run. */
  removed: string[];
}

const sameFile = (a: string, b: string): boolean => {
  try {
    const [x, y] = [statSync(a), statSync(b)];
    return x.ino === y.ino && x.dev === y.dev;
  } catch {
    return false;
  }
};

/**
 * Makes `dir` hold exactly one hard link of `file` per name, the way an operator's /opt/cni/bin
 * holds them after `tscni install`. Each name is linked at a temporary name and renamed into place,
 * so a concurrent exec finds the old file or the new one, never none; a name that already is `file`
 * is left alone, so a run after an unchanged build changes nothing. A rebuilt file is a new inode
 * (the build writes temp + rename): every name is then relinked, never left running the old build.
 */
export function placeMultiLinks(file: string, dir: string, names: readonly string[]): MultiLinks {
  mkdirSync(dir, { recursive: true });
  const linked: string[] = [];
  for (const name of names) {
    const path = join(dir, name);
    if (sameFile(path, file)) continue;
    const tmp = join(dir, `.${name}.tmp-${process.pid}`);
    rmSync(tmp, { force: true });
    linkSync(file, tmp);
    renameSync(tmp, path);
    linked.push(name);
  }
  const removed = readdirSync(dir).filter((n) => !names.includes(n) && !inFlight(n));
  for (const n of removed) rmSync(join(dir, n), { force: true, recursive: true });
  return { dir, linked, removed };
}

/** A temp link of a build still running (another `pnpm build` or test run in this checkout). */
function inFlight(entry: string): boolean {
  const pid = /^\..+\.tmp-(\d+)$/.exec(entry)?.[1];
  if (pid === undefined) return false;
  try {
    process.kill(Number(pid), 0);
    return true;
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === "EPERM";
  }
}
