import { readFileSync } from "node:fs";
import { join } from "node:path";
import { writeFileAtomic, type BuildIdentity } from "@tscni/state";

/** Kept in the plugin directory: what `tscni install` put there, so uninstall removes exactly that. */
export const MANIFEST = ".tscni-install.json";

export type LinkKind = "hard" | "sym" | "copy";

export interface InstalledConflist {
  path: string;
  /** sha256 of what we wrote: uninstall leaves a file someone changed since. */
  sha256: string;
  /** Where the file we replaced (--force) was moved. */
  replaced?: string;
}

export interface InstallManifest {
  version: 1;
  /** The executable's file name in the directory. */
  executable: string;
  /** What the installed executable's trailer says it holds. */
  build?: BuildIdentity;
  link: LinkKind;
  /** Plugin names we created. */
  names: string[];
  /** Foreign files we replaced (--force): name -> where we moved it (relative to the directory). */
  replaced: Record<string, string>;
  conflists: InstalledConflist[];
}

export function readManifest(dir: string): InstallManifest | undefined {
  try {
    return JSON.parse(readFileSync(join(dir, MANIFEST), "utf8")) as InstallManifest;
  } catch {
    return undefined;
  }
}

export function writeManifest(dir: string, m: InstallManifest): void {
  writeFileAtomic(join(dir, MANIFEST), `${JSON.stringify(m, null, 2)}\n`, 0o644);
}
