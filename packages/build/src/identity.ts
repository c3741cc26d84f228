import { existsSync, readFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { identityLine, identityOf } from "@tscni/state/identity";

/**
 * The identity trailer for an entry: name and version of the nearest package.json above
 * it; "" when that has no version (a private tool, the test fixture): nothing can embed it.
 */
export function identityTrailer(entry: string): string {
  for (let dir = dirname(entry); dirname(dir) !== dir; dir = dirname(dir)) {
    const file = join(dir, "package.json");
    if (!existsSync(file)) continue;
    const pkg = JSON.parse(readFileSync(file, "utf8")) as { name?: string; version?: string };
    return pkg.name && pkg.version ? identityLine(identityOf(pkg.name, pkg.version)) : "";
  }
  return "";
}
