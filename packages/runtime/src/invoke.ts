import { buildCniEnv, execPlugin, findPlugin } from "@tscni/invoke";
import { CniError, ErrorCode, convertResult, isCniError } from "@tscni/types";
import type { PluginConf } from "./conf/parse.js";
import type { Resolved } from "./options.js";

/** A plugin's error, with which plugin and verb it came from; code/msg are the plugin's own. */
export class PluginError extends CniError {
  readonly plugin: string;
  readonly command: string;
  readonly index: number;
  /** After a failed ADD: what went wrong with the DEL that undid the chain, if anything. */
  cleanupError?: CniError;
  constructor(cause: CniError, plugin: string, command: string, index: number) {
    super(cause.code, cause.message, cause.details);
    this.plugin = plugin;
    this.command = command;
    this.index = index;
  }
}

export interface ContainerEnv {
  containerId: string;
  netns?: string;
  ifName: string;
  cniArgs?: ReadonlyArray<readonly [string, string]>;
}

/** Exec one plugin of a network for one verb, with the CNI_* env the spec gives that verb. */
export async function callPlugin(
  rt: Resolved,
  network: string,
  command: string,
  plugin: PluginConf,
  index: number,
  stdin: Record<string, unknown>,
  container?: ContainerEnv,
): Promise<Record<string, unknown> | undefined> {
  const started = performance.now();
  const event = { command, plugin: plugin.type, index, network };
  try {
    const path = findPlugin(plugin.type, rt.pluginDirs);
    const env = buildCniEnv(rt.env, {
      command,
      path: rt.pluginDirs,
      ...(container
        ? { containerId: container.containerId, netns: container.netns ?? "", ifname: container.ifName, args: container.cniArgs ?? [] }
        : {}),
    });
    const out = await execPlugin(path, {
      env,
      stdin: JSON.stringify(stdin),
      timeoutMs: rt.execTimeoutMs,
      ...(rt.execWrapper ? { wrapper: rt.execWrapper } : {}),
      ...(rt.onStderr ? { onStderr: (t: string) => rt.onStderr!(plugin.type, t) } : {}),
    });
    rt.onEvent?.({ ...event, ms: performance.now() - started });
    return out;
  } catch (e) {
    const err = isCniError(e) ? e : new CniError(ErrorCode.Internal, (e as Error).message);
    rt.onEvent?.({ ...event, ms: performance.now() - started, error: { code: err.code, msg: err.message } });
    throw new PluginError(err, plugin.type, command, index);
  }
}

/** VERSION of one plugin: its supportedVersions. */
export async function probeVersion(rt: Resolved, network: string, plugin: PluginConf, index: number, cniVersion: string): Promise<string[]> {
  const out = await callPlugin(rt, network, "VERSION", plugin, index, { cniVersion: cniVersion || "0.1.0" });
  const versions = out?.supportedVersions;
  if (!Array.isArray(versions) || !versions.every((v) => typeof v === "string")) {
    throw new PluginError(new CniError(ErrorCode.DecodeFailure, "VERSION answer has no supportedVersions list"), plugin.type, "VERSION", index);
  }
  return versions as string[];
}

/**
 * An ADD's output as the chain passes it on: a Result of the list's version (libcni
 * fills a missing cniVersion with the config's). Nothing, or output that is not such a
 * Result, is the plugin's failure (code 6, naming it).
 */
export function addResult(out: Record<string, unknown> | undefined, cniVersion: string, plugin: PluginConf, index: number): Record<string, unknown> {
  const fail = (msg: string, details?: string) => new PluginError(new CniError(ErrorCode.DecodeFailure, msg, details), plugin.type, "ADD", index);
  if (!out) throw fail(`plugin ${plugin.type} returned no result for ADD`);
  const version = cniVersion || "0.1.0";
  try {
    return convertResult(out, version, version);
  } catch (e) {
    const err = isCniError(e) ? e : new CniError(ErrorCode.DecodeFailure, String(e));
    throw fail(`plugin ${plugin.type} returned an invalid result for ADD: ${err.message}`, err.details);
  }
}
