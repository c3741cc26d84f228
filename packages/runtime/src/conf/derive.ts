import { instanceIdentity } from "@tscni/types";
import type { NetworkConfigList, PluginConf } from "./parse.js";

export const VALID_ATTACHMENTS_KEY = "cni.dev/valid-attachments";

export interface Attachment {
  containerID: string;
  ifname: string;
}

/**
 * Base of every request config (SPEC section 3): the plugin object with the list's name and
 * cniVersion, passed through unaltered except that `capabilities` is not set, a
 * `runtimeConfig` written in the file is not passed (the runtime derives it), and keys
 * starting with `cni.dev/` are the runtime's to set (a stale valid-attachments list in a
 * file must never reach a plugin).
 */
function base(list: NetworkConfigList, plugin: PluginConf): Record<string, unknown> {
  const conf: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(plugin)) {
    if (k === "capabilities" || k === "runtimeConfig" || k.startsWith("cni.dev/")) continue;
    conf[k] = v;
  }
  conf.name = list.name;
  conf.cniVersion = list.cniVersion;
  return conf;
}

/** runtimeConfig: exactly the capability args the plugin declared (set true) and the caller provided. */
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

/** The identity of each plugin instance of a list (@tscni/types instanceIdentity), in list order. */
export function instanceIdentities(list: NetworkConfigList): string[] {
  return list.plugins.map((p) => instanceIdentity(networkConfig(list, p)));
}
