import { convertResult } from "@tscni/types";

/**
 * A cached result in the network's current cniVersion: prevResult must match the
 * config's version, and the config may have changed version since the ADD.
 */
export function resultAsVersion(result: Record<string, unknown>, version: string): Record<string, unknown> {
  return convertResult(result, version);
}
