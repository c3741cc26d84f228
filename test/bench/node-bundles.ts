// Node bundles as an operator installs them: copied into a directory with no package.json
// above it, like /opt/cni/bin, where Node loads the extensionless file as CommonJS. Run from
// dist/node inside this repository ("type": "module") Node would load it as ESM, which
// starts slower than an installed bundle does (README "Benchmarks").
import { copyFileSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { distPath } from "@tscni/testing/repo";

let dir: string | undefined;
const copied = new Map<string, string>();

/** The path of `name`'s node bundle copied for this bench run; run.ts removes them (removeNodeBundles). */
export function installedNodeBundle(name: string): string {
  let p = copied.get(name);
  if (!p) {
    dir ??= mkdtempSync(join(tmpdir(), "tbh-node-bin-"));
    copyFileSync(distPath(name, "node"), (p = join(dir, name)));
    copied.set(name, p);
  }
  return p;
}

export function removeNodeBundles(): void {
  copied.clear();
  if (dir) rmSync(dir, { recursive: true, force: true });
  dir = undefined;
}
