import type { NetworkConfigList, PluginConf } from "./parse.js";

export const VALID_ATTACHMENTS_KEY = "cni.dev/valid-attachments";

export interface Attachment {
  containerID: string;
  ifname: string;
}

/** Base of every request config: the plugin object with the list's name and version (SPEC 3). */
function base(list: NetworkConfigList, plugin: PluginConf): Record<string, unknown> {
  return { ...plugin, name: list.name, cniVersion: list.cniVersion };
}

/**
 * runtimeConfig holds only the capability args the plugin declared in `capabilities`
 * (and set true); the runtime replaces any runtimeConfig present in the file.
 */
export function runtimeConfigFor(plugin: PluginConf, capabilityArgs: Record<string, unknown> | undefined): Record<string, unknown> | undefined {
  const caps = plugin.capabilities;
  if (!capabilityArgs || typeof caps !== "object" || caps === null) return undefined;
  const rc: Record<string, unknown> = {};
  for (const [cap, enabled] of Object.entries(caps)) {
    if (enabled === true && capabilityArgs[cap] !== undefined) rc[cap] = capabilityArgs[cap];
  }
  return Object.keys(rc).length > 0 ? rc : undefined;
}

/** ADD / DEL / CHECK config: + runtimeConfig, + prevResult when there is one. */
export function attachmentConfig(
  list: NetworkConfigList,
  plugin: PluginConf,
  opts: { prevResult?: Record<string, unknown> | undefined; capabilityArgs?: Record<string, unknown> | undefined },
): Record<string, unknown> {
  const conf = base(list, plugin);
  const rc = runtimeConfigFor(plugin, opts.capabilityArgs);
  if (rc) conf.runtimeConfig = rc;
  if (opts.prevResult) conf.prevResult = opts.prevResult;
  return conf;
}

/** STATUS / INIT / DEINIT config: the plugin object with name and version; nothing per-container. */
export function networkConfig(list: NetworkConfigList, plugin: PluginConf): Record<string, unknown> {
  const conf = base(list, plugin);
  delete conf.prevResult;
  delete conf.runtimeConfig;
  return conf;
}

/** GC config: + the valid attachments (also under the pre-1.1 draft key, as libcni sends). */
export function gcConfig(list: NetworkConfigList, plugin: PluginConf, valid: readonly Attachment[]): Record<string, unknown> {
  const conf = networkConfig(list, plugin);
  const attachments = valid.map((a) => ({ containerID: a.containerID, ifname: a.ifname }));
  conf[VALID_ATTACHMENTS_KEY] = attachments;
  conf["cni.dev/attachments"] = attachments;
  return conf;
}

/** Stable text of a JSON value (sorted keys): the INIT digest must not change when only key order does. */
export function canonicalJson(v: unknown): string {
  if (Array.isArray(v)) return `[${v.map(canonicalJson).join(",")}]`;
  if (typeof v === "object" && v !== null) {
    const o = v as Record<string, unknown>;
    return `{${Object.keys(o).sort().filter((k) => o[k] !== undefined).map((k) => `${JSON.stringify(k)}:${canonicalJson(o[k])}`).join(",")}}`;
  }
  return JSON.stringify(v);
}
