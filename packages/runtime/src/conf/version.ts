import { CURRENT_VERSION, compareVersions } from "@tscni/types";

/** Newest spec version this runtime implements (cniVersions entries above it are skipped). */
export const RUNTIME_VERSION = CURRENT_VERSION;

/** Is `v` (a list's cniVersion; "" reads as 0.1.0, as in Go) at least `min`? */
export function atLeast(v: string, min: string): boolean {
  return compareVersions(v, min) >= 0;
}
