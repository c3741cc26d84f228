import { CniError, compareVersions, ErrorCode, looseBool, validateNetworkName } from "@tscni/types";
import { RUNTIME_VERSION } from "./version.js";

export type PluginConf = Record<string, unknown> & { type: string };

/** A parsed network configuration list (libcni's NetworkConfigList). */
export interface NetworkConfigList {
  name: string;
  /** Selected version: highest of cniVersion/cniVersions not above RUNTIME_VERSION. */
  cniVersion: string;
  disableCheck: boolean;
  disableGC: boolean;
  loadOnlyInlinedPlugins: boolean;
  plugins: PluginConf[];
  /** The list as JSON text: what goes into the result cache and the INIT digest. */
  bytes: string;
  /** File it was loaded from, when any. */
  source?: string;
}

function fail(where: string, msg: string): never {
  throw new CniError(ErrorCode.InvalidConfig, `${where}: ${msg}`);
}

function parseJsonObject(text: string, where: string): Record<string, unknown> {
  let v: unknown;
  try {
    v = JSON.parse(text);
  } catch (e) {
    throw new CniError(ErrorCode.DecodeFailure, `${where}: invalid JSON: ${(e as Error).message}`);
  }
  if (typeof v !== "object" || v === null || Array.isArray(v)) fail(where, "expected a JSON object");
  return v as Record<string, unknown>;
}

function readBool(raw: Record<string, unknown>, key: string, where: string): boolean {
  const v = raw[key];
  if (v === undefined) return false;
  return looseBool(v) ?? fail(where, `invalid value ${JSON.stringify(v)} for ${key}`);
}

/** One plugin object of a list (or a single .conf): must have a string `type`. */
export function parsePluginConf(v: unknown, where: string): PluginConf {
  if (typeof v !== "object" || v === null || Array.isArray(v)) fail(where, "plugin entry is not an object");
  const type = (v as Record<string, unknown>).type;
  if (typeof type !== "string" || type === "") fail(where, "missing 'type'");
  return v as PluginConf;
}

/** Pick the version as the spec (1.1) says: the highest listed version this runtime supports. */
function selectVersion(raw: Record<string, unknown>, where: string): string {
  let version = "";
  if (raw.cniVersion !== undefined) {
    if (typeof raw.cniVersion !== "string") fail(where, "cniVersion must be a string");
    version = raw.cniVersion;
  }
  if (raw.cniVersions === undefined) return version;
  if (!Array.isArray(raw.cniVersions)) fail(where, "cniVersions must be a list of strings");
  const candidates: string[] = [];
  for (const [i, v] of (raw.cniVersions as unknown[]).entries()) {
    if (typeof v !== "string") fail(where, `cniVersions[${i}] must be a string`);
    if (compareVersions(v, RUNTIME_VERSION) <= 0) candidates.push(v);
  }
  if (version && compareVersions(version, RUNTIME_VERSION) <= 0) candidates.push(version);
  candidates.sort(compareVersions);
  return candidates.at(-1) ?? version;
}

/** Parse a .conflist's text; `extraPlugins` come from NAME/*.conf next to it (libcni). */
export function parseConfList(text: string, where = "network configuration list"): NetworkConfigList {
  const raw = parseJsonObject(text, where);
  if (raw.name === undefined) fail(where, "no name");
  if (typeof raw.name !== "string") fail(where, "name must be a string");
  validateNetworkName(raw.name);
  const list: NetworkConfigList = {
    name: raw.name,
    cniVersion: selectVersion(raw, where),
    disableCheck: readBool(raw, "disableCheck", where),
    disableGC: readBool(raw, "disableGC", where),
    loadOnlyInlinedPlugins: readBool(raw, "loadOnlyInlinedPlugins", where),
    plugins: [],
    bytes: text,
  };
  if (raw.plugins === undefined) {
    if (list.loadOnlyInlinedPlugins) fail(where, "loadOnlyInlinedPlugins is true and there is no 'plugins' key");
    return list;
  }
  if (!Array.isArray(raw.plugins)) fail(where, "'plugins' must be a list");
  if (raw.plugins.length === 0) fail(where, "no plugins in list");
  list.plugins = (raw.plugins as unknown[]).map((p, i) => parsePluginConf(p, `${where}: plugins[${i}]`));
  return list;
}

/** Upgrade a single-plugin .conf to a list of one, as libcni's ConfListFromConf does. */
export function confListFromConf(text: string, where = "network configuration"): NetworkConfigList {
  const plugin = parsePluginConf(parseJsonObject(text, where), where);
  const name = typeof plugin.name === "string" ? plugin.name : "";
  const cniVersion = typeof plugin.cniVersion === "string" ? plugin.cniVersion : "";
  return parseConfList(JSON.stringify({ name, cniVersion, plugins: [plugin] }), where);
}

/** Wrap an in-memory object (library users, tests) as a list. */
export function confListFromObject(obj: Record<string, unknown>): NetworkConfigList {
  return parseConfList(JSON.stringify(obj));
}
