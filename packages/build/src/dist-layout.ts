import { join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import type { Target } from "./options.js";

/** The repository this package sits in (build-all and the repository's test helpers). */
export const REPO_ROOT = resolve(fileURLToPath(new URL("../../..", import.meta.url)));

/** Where build-all puts a plugin's executable: dist/bin/<name> (standalone), dist/node/<name>. */
export function outputPath(name: string, target: Target, outDir = join(REPO_ROOT, "dist")): string {
  return join(outDir, target === "standalone" ? "bin" : "node", name);
}
