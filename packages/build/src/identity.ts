import { identityLine, identityOf } from "@tscni/state/identity";
import { nearestPackage } from "./package-json.js";

/**
 * The identity trailer for an entry: name and version of the nearest package.json above
 * it; "" when that has no version (a private tool, the test fixture): nothing can embed it.
 */
export function identityTrailer(entry: string): string {
  const pkg = nearestPackage(entry)?.pkg;
  return pkg?.name && pkg.version ? identityLine(identityOf(pkg.name, pkg.version)) : "";
}
