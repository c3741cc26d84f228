import { CniError, ErrorCode } from "@tscni/types";
import { loadNetwork, loadNetworks } from "../conf/load.js";
import { parseConfList, type NetworkConfigList } from "../conf/parse.js";
import type { Resolved } from "../options.js";

export type NetworkRef = string | NetworkConfigList;

/** A network by name from the conf dir, or a list the caller already has. */
export function resolveList(rt: Resolved, ref: NetworkRef): NetworkConfigList {
  if (typeof ref !== "string") return ref;
  if (!rt.confDir) throw new CniError(ErrorCode.InvalidConfig, `network ${JSON.stringify(ref)}: no configuration directory set`);
  return loadNetwork(rt.confDir, ref);
}

/** Re-parse a config text we cached earlier (result cache or network state). */
export function listFromCache(text: string, where: string): NetworkConfigList {
  return parseConfList(text, where);
}

/**
 * Is `name` gone from the conf dir? Unknown (undefined) when there is no conf dir or
 * some file failed to load: a broken file must never look like a removed network.
 */
export function isRemoved(rt: Resolved, name: string): boolean | undefined {
  if (!rt.confDir) return undefined;
  const loaded = loadNetworks(rt.confDir);
  if (loaded.networks.some((n) => n.name === name)) return false;
  return loaded.errors.length > 0 ? undefined : true;
}
