import { CniError } from "@tscni/types";
import { atLeast } from "./conf/version.js";

/**
 * A cached result in the network's current cniVersion (prevResult must match the config's
 * version). 1.x results share one shape; 0.3.x/0.4.0 differ only by ips[].version.
 */
export function resultAsVersion(result: Record<string, unknown>, version: string): Record<string, unknown> {
  const from = typeof result.cniVersion === "string" ? result.cniVersion : version;
  if (from === version) return { ...result, cniVersion: version };
  if (!atLeast(from, "0.3.0") || !atLeast(version, "0.3.0")) {
    throw new CniError(1, `cannot convert cached result from version ${from} to ${version}`);
  }
  const ips = Array.isArray(result.ips) ? (result.ips as Array<Record<string, unknown>>) : undefined;
  const out: Record<string, unknown> = { ...result, cniVersion: version };
  if (ips) {
    out.ips = ips.map((ip) => {
      const copy = { ...ip };
      if (atLeast(version, "1.0.0")) delete copy.version;
      else copy.version = String(copy.address ?? "").includes(":") ? "6" : "4";
      return copy;
    });
  }
  return out;
}
