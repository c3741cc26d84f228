import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { removeFile, writeFileAtomic } from "@tscni/state";

/** libcni's cache kind; entries of other kinds are ignored (as libcni does). */
export const CACHE_KIND = "cniCacheV1";

/** One cached attachment, as the runtime works with it. */
export interface CachedAttachment {
  containerId: string;
  ifName: string;
  networkName: string;
  /** The network config list text used for ADD (libcni: list.Bytes). */
  config: string;
  netns?: string;
  cniArgs?: Array<[string, string]>;
  capabilityArgs?: Record<string, unknown>;
  result?: Record<string, unknown>;
}

// On disk, field names and encodings follow libcni's cachedInfo: Go marshals the
// []byte config as base64, and omits empty optional fields.
interface CacheFileJson {
  kind: string;
  containerId: string;
  config: string;
  ifName: string;
  networkName: string;
  netns?: string;
  cniArgs?: Array<[string, string]>;
  capabilityArgs?: Record<string, unknown>;
  result?: Record<string, unknown>;
}

export function resultsDir(cacheDir: string): string {
  return join(cacheDir, "results");
}

/** File name as libcni: results/NETWORK-CONTAINERID-IFNAME. */
export function cacheFile(cacheDir: string, network: string, containerId: string, ifName: string): string {
  return join(resultsDir(cacheDir), `${network}-${containerId}-${ifName}`);
}

export function writeCached(cacheDir: string, a: CachedAttachment): void {
  const json: CacheFileJson = {
    kind: CACHE_KIND,
    containerId: a.containerId,
    config: Buffer.from(a.config, "utf8").toString("base64"),
    ifName: a.ifName,
    networkName: a.networkName,
  };
  if (a.netns) json.netns = a.netns;
  if (a.cniArgs && a.cniArgs.length > 0) json.cniArgs = a.cniArgs;
  if (a.capabilityArgs && Object.keys(a.capabilityArgs).length > 0) json.capabilityArgs = a.capabilityArgs;
  if (a.result) json.result = a.result;
  writeFileAtomic(cacheFile(cacheDir, a.networkName, a.containerId, a.ifName), JSON.stringify(json), 0o600); // libcni writes 0600
}

function decode(text: string): CachedAttachment | undefined {
  let j: Partial<CacheFileJson>;
  try {
    j = JSON.parse(text) as Partial<CacheFileJson>;
  } catch {
    return undefined;
  }
  if (j.kind !== CACHE_KIND || !j.ifName || !j.networkName || typeof j.containerId !== "string") return undefined;
  const out: CachedAttachment = {
    containerId: j.containerId,
    ifName: j.ifName,
    networkName: j.networkName,
    config: typeof j.config === "string" ? Buffer.from(j.config, "base64").toString("utf8") : "",
  };
  if (j.netns) out.netns = j.netns;
  if (Array.isArray(j.cniArgs)) out.cniArgs = j.cniArgs;
  if (j.capabilityArgs) out.capabilityArgs = j.capabilityArgs;
  if (j.result) out.result = j.result;
  return out;
}

export function readCached(cacheDir: string, network: string, containerId: string, ifName: string): CachedAttachment | undefined {
  let text: string;
  try {
    text = readFileSync(cacheFile(cacheDir, network, containerId, ifName), "utf8");
  } catch {
    return undefined;
  }
  return decode(text);
}

export function deleteCached(cacheDir: string, network: string, containerId: string, ifName: string): void {
  removeFile(cacheFile(cacheDir, network, containerId, ifName));
}

/** Every valid cached attachment, optionally of one network / one container (libcni's GetCachedAttachments). */
export function listCached(cacheDir: string, filter: { network?: string; containerId?: string } = {}): CachedAttachment[] {
  let names: string[];
  try {
    names = readdirSync(resultsDir(cacheDir)).filter((n) => !n.startsWith("."));
  } catch {
    return [];
  }
  const out: CachedAttachment[] = [];
  for (const name of names.sort()) {
    if (filter.network && !name.startsWith(`${filter.network}-`)) continue;
    let text: string;
    try {
      text = readFileSync(join(resultsDir(cacheDir), name), "utf8");
    } catch {
      continue;
    }
    const a = decode(text);
    if (!a) continue;
    if (filter.network && a.networkName !== filter.network) continue;
    if (filter.containerId && a.containerId !== filter.containerId) continue;
    out.push(a);
  }
  return out;
}
