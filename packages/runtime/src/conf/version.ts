import { CniError } from "@tscni/types";

/** Newest spec version this runtime implements (cniVersions entries above it are skipped). */
export const RUNTIME_VERSION = "1.1.0";

function parts(v: string): [number, number, number] {
  const m = /^(\d+)\.(\d+)\.(\d+)$/.exec(v);
  if (!m) throw new CniError(1, `invalid CNI version ${JSON.stringify(v)}`);
  return [Number(m[1]), Number(m[2]), Number(m[3])];
}

export function compareVersions(a: string, b: string): number {
  const pa = parts(a);
  const pb = parts(b);
  for (let i = 0; i < 3; i++) if (pa[i] !== pb[i]) return pa[i]! < pb[i]! ? -1 : 1;
  return 0;
}

export function atLeast(v: string, min: string): boolean {
  return compareVersions(v || "0.1.0", min) >= 0;
}
