import { readdirSync, readFileSync } from "node:fs";
import { extname, join } from "node:path";
import { CniError, ErrorCode, isCniError } from "@tscni/types";
import { confListFromConf, parseConfList, parsePluginConf, type NetworkConfigList } from "./parse.js";

/** Files of `dir` with one of `exts`, sorted by name (missing dir = none). */
function confFiles(dir: string, exts: readonly string[]): string[] {
  let names: string[];
  try {
    names = readdirSync(dir, { withFileTypes: true })
      .filter((d) => !d.isDirectory() && exts.includes(extname(d.name)))
      .map((d) => d.name);
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === "ENOENT") return [];
    throw new CniError(ErrorCode.IoFailure, `cannot read configuration directory ${dir}: ${(e as Error).message}`);
  }
  return names.sort().map((n) => join(dir, n));
}

function parseJson(text: string, file: string): unknown {
  try {
    return JSON.parse(text);
  } catch (e) {
    throw new CniError(ErrorCode.DecodeFailure, `${file}: invalid JSON: ${(e as Error).message}`);
  }
}

function readText(file: string): string {
  try {
    return readFileSync(file, "utf8");
  } catch (e) {
    throw new CniError(ErrorCode.IoFailure, `error reading ${file}: ${(e as Error).message}`);
  }
}

/** Load one .conflist file, adding DIR/NAME/*.conf plugins unless loadOnlyInlinedPlugins. */
export function loadConfListFile(file: string): NetworkConfigList {
  const list = parseConfList(readText(file), file);
  list.source = file;
  if (!list.loadOnlyInlinedPlugins) {
    const pluginDir = join(file, "..", list.name);
    const extra = confFiles(pluginDir, [".conf"]).map((p) => parsePluginConf(parseJson(readText(p), p), p));
    if (extra.length > 0) {
      list.plugins.push(...extra);
      // The text is what the result cache keeps and DEL runs with: it must hold every plugin.
      list.bytes = JSON.stringify({ ...(JSON.parse(list.bytes) as object), plugins: list.plugins });
    }
  }
  if (list.plugins.length === 0) throw new CniError(ErrorCode.InvalidConfig, `${file}: no plugin configs found`);
  return list;
}

function loadConfFile(file: string): NetworkConfigList {
  const list = confListFromConf(readText(file), file);
  list.source = file;
  return list;
}

export interface LoadedNetworks {
  /** One entry per network name, first file wins (libcni's lookup order). */
  networks: NetworkConfigList[];
  /** Files that failed to load, with why. */
  errors: Array<{ file: string; error: CniError }>;
}

/**
 * Every network in `dir`, in libcni's order: *.conflist sorted by file name, then the
 * deprecated single-plugin *.conf / *.json files (sorted), upgraded to lists.
 * A network name seen twice keeps the first file, as LoadNetworkConf would find it.
 */
export function loadNetworks(dir: string): LoadedNetworks {
  const out: LoadedNetworks = { networks: [], errors: [] };
  const seen = new Set<string>();
  const consider = (file: string, load: (f: string) => NetworkConfigList) => {
    try {
      const list = load(file);
      if (seen.has(list.name)) return;
      seen.add(list.name);
      out.networks.push(list);
    } catch (e) {
      out.errors.push({ file, error: isCniError(e) ? e : new CniError(ErrorCode.InvalidConfig, `${file}: ${(e as Error).message}`) });
    }
  };
  for (const f of confFiles(dir, [".conflist"])) consider(f, loadConfListFile);
  for (const f of confFiles(dir, [".conf", ".json"])) consider(f, loadConfFile);
  return out;
}

/** The network `name` from `dir` (what cnitool's LoadNetworkConf does); code 7 when absent. */
export function loadNetwork(dir: string, name: string): NetworkConfigList {
  for (const f of confFiles(dir, [".conflist"])) {
    const list = loadConfListFile(f);
    if (list.name === name) return list;
  }
  for (const f of confFiles(dir, [".conf", ".json"])) {
    const list = loadConfFile(f);
    if (list.name === name) return list;
  }
  throw new CniError(ErrorCode.InvalidConfig, `no net configuration with name ${JSON.stringify(name)} in ${dir}`);
}
