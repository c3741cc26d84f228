import { CniError, ErrorCode, validateContainerId, validateIfName, validateNetworkName } from "@tscni/types";
import { deleteCached, readCached, writeCached, type CachedAttachment } from "../cache/results.js";
import { attachmentConfig } from "../conf/derive.js";
import type { NetworkConfigList } from "../conf/parse.js";
import { atLeast } from "../conf/version.js";
import { PluginError, addResult, callPlugin, type ContainerEnv } from "../invoke.js";
import { lockAttachment } from "../lock/network-lock.js";
import type { Resolved } from "../options.js";
import { resultAsVersion } from "../prev-result.js";
import { ensureInitialised, settleAfterDel } from "./lifecycle.js";
import { listFromCache, resolveList, type NetworkRef } from "./resolve.js";

/** What identifies one attachment, plus the per-call runtime data (libcni's RuntimeConf). */
export interface AttachmentRequest {
  network: NetworkRef;
  containerId: string;
  ifName: string;
  netns?: string;
  cniArgs?: Array<[string, string]>;
  capabilityArgs?: Record<string, unknown>;
}

function containerEnv(req: AttachmentRequest): ContainerEnv {
  return { containerId: req.containerId, ifName: req.ifName, netns: req.netns ?? "", cniArgs: req.cniArgs ?? [] };
}

function validate(name: string, req: AttachmentRequest): void {
  validateNetworkName(name);
  validateContainerId(req.containerId);
  validateIfName(req.ifName);
}

/**
 * ADD through the chain (INIT first when needed), then cache result + config. Each
 * plugin's output must be a Result of the list's version. When plugin k fails, the whole
 * list gets DEL in reverse order (as containerd and CRI-O do), so plugins 0..k-1 undo
 * what they made, and nothing is cached.
 */
export async function add(rt: Resolved, req: AttachmentRequest): Promise<Record<string, unknown> | undefined> {
  const list = resolveList(rt, req.network);
  validate(list.name, req);
  if (!req.netns) throw new CniError(ErrorCode.InvalidEnv, "ADD needs a network namespace path");
  await ensureInitialised(rt, list);
  const release = await lockAttachment(rt.cacheDir, list.name, req.containerId, req.ifName, rt.lockTimeoutMs);
  try {
    let result: Record<string, unknown> | undefined;
    for (const [i, plugin] of list.plugins.entries()) {
      const conf = attachmentConfig(list, plugin, { prevResult: result, capabilityArgs: req.capabilityArgs });
      try {
        result = addResult(await callPlugin(rt, list.name, "ADD", plugin, i, conf, containerEnv(req)), list.cniVersion, plugin, i);
      } catch (e) {
        await rollBack(rt, list, req, e);
        throw e;
      }
    }
    const entry: CachedAttachment = { containerId: req.containerId, ifName: req.ifName, networkName: list.name, config: list.bytes, netns: req.netns };
    if (req.cniArgs) entry.cniArgs = req.cniArgs;
    if (req.capabilityArgs) entry.capabilityArgs = req.capabilityArgs;
    if (result) entry.result = result;
    writeCached(rt.cacheDir, entry);
    return result;
  } finally {
    release();
  }
}

/** DEL of the whole list after a failed ADD; its failures ride on the ADD's error. */
async function rollBack(rt: Resolved, list: NetworkConfigList, req: AttachmentRequest, addError: unknown): Promise<void> {
  try {
    await delUnlocked(rt, list, req, undefined);
  } catch (e) {
    if (addError instanceof PluginError) addError.cleanupError = e instanceof CniError ? e : new CniError(ErrorCode.Internal, String(e));
  }
}

/** The chain DEL, without locking (GC calls it while holding the network exclusively). */
export async function delUnlocked(rt: Resolved, list: NetworkConfigList, req: AttachmentRequest, cached: CachedAttachment | undefined): Promise<void> {
  let prevResult: Record<string, unknown> | undefined;
  if (cached?.result && atLeast(list.cniVersion, "0.4.0")) {
    try {
      prevResult = resultAsVersion(cached.result, list.cniVersion);
    } catch {
      prevResult = undefined; // as libcni: an unusable cached result does not block DEL
    }
  }
  for (let i = list.plugins.length - 1; i >= 0; i--) {
    const plugin = list.plugins[i]!;
    const conf = attachmentConfig(list, plugin, { prevResult, capabilityArgs: req.capabilityArgs });
    await callPlugin(rt, list.name, "DEL", plugin, i, conf, containerEnv(req));
  }
  deleteCached(rt.cacheDir, list.name, req.containerId, req.ifName);
}

/**
 * DEL with the cached config and result when the attachment is cached (the config file
 * may have changed or gone since ADD), else with the current config. Then, if the
 * network's config was removed and this was its last attachment, DEINIT it.
 */
export async function del(rt: Resolved, req: AttachmentRequest): Promise<void> {
  const name = typeof req.network === "string" ? req.network : req.network.name;
  validate(name, req);
  const release = await lockAttachment(rt.cacheDir, name, req.containerId, req.ifName, rt.lockTimeoutMs);
  try {
    const cached = readCached(rt.cacheDir, name, req.containerId, req.ifName);
    const list = cached?.config ? listFromCache(cached.config, `cached config of ${name}/${req.containerId}/${req.ifName}`) : resolveList(rt, req.network);
    const full: AttachmentRequest = {
      ...req,
      netns: req.netns ?? cached?.netns ?? "",
      ...(req.cniArgs ?? cached?.cniArgs ? { cniArgs: req.cniArgs ?? cached?.cniArgs } : {}),
      ...(req.capabilityArgs ?? cached?.capabilityArgs ? { capabilityArgs: req.capabilityArgs ?? cached?.capabilityArgs } : {}),
    };
    await delUnlocked(rt, list, full, cached);
  } finally {
    release();
  }
  await settleAfterDel(rt, name);
}

/** CHECK with the cached result as prevResult; a no-op when the list sets disableCheck. */
export async function check(rt: Resolved, req: AttachmentRequest): Promise<void> {
  const list = resolveList(rt, req.network);
  validate(list.name, req);
  if (!atLeast(list.cniVersion, "0.4.0")) throw new CniError(ErrorCode.IncompatibleVersion, `configuration version ${JSON.stringify(list.cniVersion)} does not support the CHECK command`);
  if (list.disableCheck) return;
  const release = await lockAttachment(rt.cacheDir, list.name, req.containerId, req.ifName, rt.lockTimeoutMs);
  try {
    const cached = readCached(rt.cacheDir, list.name, req.containerId, req.ifName);
    if (!cached?.result) throw new CniError(ErrorCode.UnknownContainer, `no cached result for ${list.name}/${req.containerId}/${req.ifName}: was it added?`);
    const prevResult = resultAsVersion(cached.result, list.cniVersion);
    for (const [i, plugin] of list.plugins.entries()) {
      const conf = attachmentConfig(list, plugin, { prevResult, capabilityArgs: req.capabilityArgs ?? cached.capabilityArgs });
      await callPlugin(rt, list.name, "CHECK", plugin, i, conf, containerEnv({ ...req, netns: req.netns ?? cached.netns ?? "" }));
    }
  } finally {
    release();
  }
}
