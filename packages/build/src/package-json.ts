import { existsSync, readFileSync } from "node:fs";
import { dirname, join } from "node:path";

export interface PackageJson {
  name?: string;
  version?: string;
  main?: string;
  exports?: unknown;
  /** tscni-build's own settings. */
  tscni?: { embed?: unknown };
}

/** The package.json nearest above `file` (the package a plugin entry belongs to). */
export function nearestPackage(file: string): { dir: string; pkg: PackageJson } | undefined {
  for (let dir = dirname(file); dirname(dir) !== dir; dir = dirname(dir)) {
    const path = join(dir, "package.json");
    if (existsSync(path)) return { dir, pkg: JSON.parse(readFileSync(path, "utf8")) as PackageJson };
  }
  return undefined;
}
