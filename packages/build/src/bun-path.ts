import { createRequire } from "node:module";
import { dirname, join } from "node:path";

/**
 * The bun binary from the `bun` npm package (not whatever `bun` is on PATH), so
 * builds are reproducible with the version pinned in package.json.
 */
export function bunPath(): string {
  const require = createRequire(import.meta.url);
  const pkgJson = require.resolve("bun/package.json");
  const pkg = require(pkgJson) as { bin?: string | Record<string, string> };
  const rel = typeof pkg.bin === "string" ? pkg.bin : (pkg.bin?.bun ?? "bin/bun");
  return join(dirname(pkgJson), rel);
}
