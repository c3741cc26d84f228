import { CniError, ErrorCode } from "./errors.js";

/** Every spec version tscni understands, oldest first. */
export const ALL_VERSIONS = ["0.1.0", "0.2.0", "0.3.0", "0.3.1", "0.4.0", "1.0.0", "1.1.0"] as const;
export type CniVersion = (typeof ALL_VERSIONS)[number];
export const CURRENT_VERSION = "1.1.0" satisfies CniVersion;

export function isKnownVersion(v: unknown): v is CniVersion {
  return typeof v === "string" && (ALL_VERSIONS as readonly string[]).includes(v);
}

/** Like Go's version.ParseVersion: "" means 0.1.0, missing parts are 0, more than 3 parts is an error. */
export function parseVersion(v: string): [number, number, number] {
  if (v === "") return [0, 1, 0];
  const parts = v.split(".");
  if (parts.length > 3) throw new CniError(ErrorCode.DecodeFailure, `invalid version "${v}": too many parts`);
  const out: [number, number, number] = [0, 0, 0];
  for (let i = 0; i < parts.length; i++) {
    const p = parts[i]!;
    if (!/^\d+$/.test(p)) throw new CniError(ErrorCode.DecodeFailure, `invalid version "${v}": part "${p}" is not a number`);
    out[i] = Number(p);
  }
  return out;
}

/** Negative when a < b, 0 when equal, positive when a > b (numeric per part). */
export function compareVersions(a: string, b: string): number {
  const pa = parseVersion(a);
  const pb = parseVersion(b);
  return pa[0] - pb[0] || pa[1] - pb[1] || pa[2] - pb[2];
}

/** Result shapes: 0.1.0/0.2.0 share one, 0.3.x/0.4.0 another, 1.x the current one. */
export type ResultFamily = "020" | "040" | "100";

export function resultFamily(v: CniVersion): ResultFamily {
  if (v === "0.1.0" || v === "0.2.0") return "020";
  if (v === "1.0.0" || v === "1.1.0") return "100";
  return "040";
}

/** Throws code 1 unless `v` is a version tscni knows. */
export function requireKnownVersion(v: unknown, what: string): CniVersion {
  if (isKnownVersion(v)) return v;
  throw new CniError(
    ErrorCode.IncompatibleVersion,
    `unsupported CNI version ${JSON.stringify(v)} for ${what}`,
    `known versions: ${ALL_VERSIONS.join(", ")}`,
  );
}

/**
 * Results before 0.3.0 hold one address per family. Go's host-local and static
 * refuse such configs up front ("CNI version X does not support more than 1 address
 * per family"); convertResult itself, like libcni, would silently keep the first.
 */
export function supportsMultipleAddresses(v: string): boolean {
  return compareVersions(v, "0.3.0") >= 0;
}
