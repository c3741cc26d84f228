import { CniError } from "@tscni/types";
import { listCached } from "../cache/results.js";
import { forgetState, readState } from "../cache/network-state.js";
import { gcConfig, networkConfig, type Attachment } from "../conf/derive.js";
import type { NetworkConfigList } from "../conf/parse.js";
import { atLeast } from "../conf/version.js";
import { callPlugin, probeVersion } from "../invoke.js";
import { lockNetworkExclusive } from "../lock/network-lock.js";
import type { Resolved } from "../options.js";
import { delUnlocked } from "./attachment.js";
import { errorFromRecord, runDeinit, runInit, settleRemoved } from "./lifecycle.js";
import { isRemoved, listFromCache, resolveList, type NetworkRef } from "./resolve.js";

/**
 * STATUS of every plugin in order (CNI >= 1.1.0 lists only); the first error is the answer.
 * A network whose INIT failed is not available (code 50) whatever its plugins say.
 */
export async function status(rt: Resolved, ref: NetworkRef): Promise<void> {
  const list = resolveList(rt, ref);
  const state = readState(rt.cacheDir, list.name);
  if (state?.status === "init-failed" && state.error) {
    throw errorFromRecord(`network ${list.name} is not available: INIT failed`, { ...state.error, code: 50 });
  }
  if (!atLeast(list.cniVersion, "1.1.0")) return;
  for (const [i, plugin] of list.plugins.entries()) await callPlugin(rt, list.name, "STATUS", plugin, i, networkConfig(list, plugin));
}

export interface GcReport {
  skipped?: "disableGC";
  /** Stale attachments DELeted before the GC verbs. */
  deleted: Attachment[];
  errors: CniError[];
  /** What happened to a network whose config was removed. */
  removal?: "deinit" | "draining" | "none";
}

/**
 * GC, stop-the-world: DEL every cached attachment of the network that is not in `valid`
 * (with its cached config), then GC every plugin with the valid list (CNI >= 1.1.0).
 * A network whose config was removed gets no GC verb; once drained it is DEINITed.
 */
export async function gc(rt: Resolved, ref: NetworkRef, valid: Attachment[]): Promise<GcReport> {
  const name = typeof ref === "string" ? ref : ref.name;
  const removed = typeof ref === "string" && isRemoved(rt, name) === true;
  const release = await lockNetworkExclusive(rt.cacheDir, name, rt.lockTimeoutMs);
  const report: GcReport = { deleted: [], errors: [] };
  try {
    const list = removed ? undefined : resolveList(rt, ref);
    if (list?.disableGC) return { ...report, skipped: "disableGC" };
    const keep = new Set(valid.map((a) => `${a.containerID}\0${a.ifname}`));
    for (const cached of listCached(rt.cacheDir, { network: name })) {
      if (keep.has(`${cached.containerId}\0${cached.ifName}`)) continue;
      try {
        const cachedList = cached.config ? listFromCache(cached.config, `cached config of ${name}`) : list;
        if (!cachedList) throw new CniError(7, `no config to DEL ${cached.containerId}/${cached.ifName} with`);
        await delUnlocked(rt, cachedList, { network: cachedList, ...cached }, cached);
        report.deleted.push({ containerID: cached.containerId, ifname: cached.ifName });
      } catch (e) {
        report.errors.push(e as CniError);
      }
    }
    if (list && atLeast(list.cniVersion, "1.1.0")) {
      for (const [i, plugin] of list.plugins.entries()) {
        try {
          await callPlugin(rt, name, "GC", plugin, i, gcConfig(list, plugin, valid));
        } catch (e) {
          report.errors.push(e as CniError);
        }
      }
    }
    if (removed) report.removal = await settleRemoved(rt, name, true);
    return report;
  } finally {
    release();
  }
}

/** Explicit INIT (also what reconcile does for new/changed networks). */
export async function init(rt: Resolved, ref: NetworkRef): Promise<void> {
  const list = resolveList(rt, ref);
  const release = await lockNetworkExclusive(rt.cacheDir, list.name, rt.lockTimeoutMs);
  try {
    await runInit(rt, list);
  } finally {
    release();
  }
}

/** The config DEINIT uses: the one given, else the current file, else the one cached at INIT. */
function deinitList(rt: Resolved, ref: NetworkRef): NetworkConfigList {
  if (typeof ref !== "string") return ref;
  const state = readState(rt.cacheDir, ref);
  if (isRemoved(rt, ref) === false) return resolveList(rt, ref);
  if (state) return listFromCache(state.config, `cached config of network ${ref}`);
  return resolveList(rt, ref);
}

/** Explicit DEINIT; a network we never initialised and cannot find is already "deinitialised". */
export async function deinit(rt: Resolved, ref: NetworkRef): Promise<void> {
  const name = typeof ref === "string" ? ref : ref.name;
  const release = await lockNetworkExclusive(rt.cacheDir, name, rt.lockTimeoutMs);
  try {
    let list: NetworkConfigList;
    try {
      list = deinitList(rt, ref);
    } catch (e) {
      if (!readState(rt.cacheDir, name)) return; // unknown network: idempotent success
      throw e;
    }
    await runDeinit(rt, list, readState(rt.cacheDir, name));
  } finally {
    release();
  }
}

/**
 * Uninstall a network: DEL every cached attachment, GC with an empty list (catches what
 * the cache missed), DEINIT, forget. Errors are collected, DEINIT is still attempted.
 */
export async function removeNetwork(rt: Resolved, ref: NetworkRef): Promise<CniError[]> {
  const name = typeof ref === "string" ? ref : ref.name;
  const release = await lockNetworkExclusive(rt.cacheDir, name, rt.lockTimeoutMs);
  const errors: CniError[] = [];
  try {
    const list = deinitList(rt, ref);
    for (const cached of listCached(rt.cacheDir, { network: name })) {
      try {
        const l = cached.config ? listFromCache(cached.config, `cached config of ${name}`) : list;
        await delUnlocked(rt, l, { network: l, ...cached }, cached);
      } catch (e) {
        errors.push(e as CniError);
      }
    }
    if (atLeast(list.cniVersion, "1.1.0")) {
      for (const [i, plugin] of list.plugins.entries()) {
        await callPlugin(rt, name, "GC", plugin, i, gcConfig(list, plugin, [])).catch((e: CniError) => errors.push(e));
      }
    }
    try {
      await runDeinit(rt, list, readState(rt.cacheDir, name));
      forgetState(rt.cacheDir, name);
    } catch (e) {
      errors.push(e as CniError);
    }
    return errors;
  } finally {
    release();
  }
}

export interface PluginVersionInfo {
  index: number;
  type: string;
  supportedVersions?: string[];
  /** Does the plugin support the network's selected cniVersion? */
  supportsConfigVersion?: boolean;
  error?: { code: number; msg: string };
}

/** VERSION probe of every plugin of the network. */
export async function versions(rt: Resolved, ref: NetworkRef): Promise<{ network: string; cniVersion: string; plugins: PluginVersionInfo[] }> {
  const list = resolveList(rt, ref);
  const plugins = await Promise.all(
    list.plugins.map(async (plugin, index): Promise<PluginVersionInfo> => {
      try {
        const supported = await probeVersion(rt, list.name, plugin, index, list.cniVersion);
        return { index, type: plugin.type, supportedVersions: supported, supportsConfigVersion: supported.includes(list.cniVersion) };
      } catch (e) {
        const err = e as CniError;
        return { index, type: plugin.type, error: { code: err.code, msg: err.message } };
      }
    }),
  );
  return { network: list.name, cniVersion: list.cniVersion, plugins };
}
