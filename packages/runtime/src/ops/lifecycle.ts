import { CniError, isCniError } from "@tscni/types";
import { listCached } from "../cache/results.js";
import { configDigest, forgetState, readState, writeState, type ErrorRecord, type NetworkState } from "../cache/network-state.js";
import { networkConfig } from "../conf/derive.js";
import type { NetworkConfigList, PluginConf } from "../conf/parse.js";
import { atLeast } from "../conf/version.js";
import { PluginError, callPlugin, probeVersion } from "../invoke.js";
import { lockNetworkExclusive } from "../lock/network-lock.js";
import type { Resolved } from "../options.js";
import { isRemoved, listFromCache } from "./resolve.js";

function errorRecord(e: unknown): ErrorRecord {
  const err = isCniError(e) ? e : new CniError(999, String(e));
  const rec: ErrorRecord = { code: err.code, msg: err.message };
  if (err.details) rec.details = err.details;
  if (e instanceof PluginError) rec.plugin = { index: e.index, type: e.plugin };
  return rec;
}

export function errorFromRecord(prefix: string, rec: ErrorRecord): CniError {
  const who = rec.plugin ? ` (plugin ${rec.plugin.index} ${JSON.stringify(rec.plugin.type)})` : "";
  return new CniError(rec.code, `${prefix}${who}: ${rec.msg}`, rec.details);
}

/**
 * INIT/DEINIT answered with code 4 (Go skel's "unknown CNI_COMMAND") means "not needed".
 * Go plugins built before CNI 1.1 check container env vars first and answer code 3/4
 * about those; they predate INIT, so a plugin whose VERSION lacks 1.1.0 is treated the same.
 */
async function notNeeded(rt: Resolved, list: NetworkConfigList, plugin: PluginConf, index: number, e: unknown): Promise<boolean> {
  if (!isCniError(e)) return false;
  if (e.code === 4) return true;
  if (e.code !== 3) return false;
  try {
    const versions = await probeVersion(rt, list.name, plugin, index, list.cniVersion);
    return !versions.some((v) => /^\d+\.\d+\.\d+$/.test(v) && atLeast(v, "1.1.0"));
  } catch {
    return false;
  }
}

function backoff(rt: Resolved, attempts: number): number {
  return Math.min(rt.initBackoffMs.max, rt.initBackoffMs.base * 2 ** Math.max(0, attempts - 1));
}

/** INIT every plugin in list order; stop at the first failure and record it. Caller holds the exclusive lock. */
export async function runInit(rt: Resolved, list: NetworkConfigList): Promise<void> {
  const digest = configDigest(list);
  const prev = readState(rt.cacheDir, list.name);
  for (const [i, plugin] of list.plugins.entries()) {
    try {
      await callPlugin(rt, list.name, "INIT", plugin, i, networkConfig(list, plugin));
    } catch (e) {
      if (await notNeeded(rt, list, plugin, i, e)) continue;
      // Plugins 0..i-1 keep their (valid, idempotent) state: no DEINIT on failure.
      const attempts = prev && prev.status === "init-failed" && prev.digest === digest ? prev.attempts + 1 : 1;
      writeState(rt.cacheDir, {
        name: list.name,
        status: "init-failed",
        digest,
        config: list.bytes,
        error: errorRecord(e),
        attempts,
        nextRetryAt: rt.now() + backoff(rt, attempts),
        updatedAt: new Date(rt.now()).toISOString(),
      });
      throw e;
    }
  }
  writeState(rt.cacheDir, { name: list.name, status: "initialised", digest, config: list.bytes, attempts: 0, updatedAt: new Date(rt.now()).toISOString() });
}

/** DEINIT every plugin in reverse order with `list` (the last known config). Caller holds the exclusive lock. */
export async function runDeinit(rt: Resolved, list: NetworkConfigList, prev: NetworkState | undefined): Promise<void> {
  let firstError: unknown;
  for (let i = list.plugins.length - 1; i >= 0; i--) {
    const plugin = list.plugins[i]!;
    try {
      await callPlugin(rt, list.name, "DEINIT", plugin, i, networkConfig(list, plugin));
    } catch (e) {
      // Keep going: DEINIT is idempotent, releasing what we can now is better than nothing.
      if (!(await notNeeded(rt, list, plugin, i, e))) firstError ??= e;
    }
  }
  if (firstError !== undefined) {
    writeState(rt.cacheDir, {
      name: list.name,
      status: "deinit-pending",
      digest: prev?.digest ?? configDigest(list),
      config: list.bytes,
      error: errorRecord(firstError),
      attempts: prev?.status === "deinit-pending" ? prev.attempts + 1 : 1,
      updatedAt: new Date(rt.now()).toISOString(),
    });
    throw firstError;
  }
  forgetState(rt.cacheDir, list.name);
}

/** Does this network need INIT before an ADD (first use, changed config, earlier failure)? */
function initNeeded(state: NetworkState | undefined, digest: string): boolean {
  return !state || state.digest !== digest || state.status !== "initialised";
}

/**
 * Before ADD: INIT if needed, at most once per call. A failed INIT is retried only
 * after its backoff; before that the ADD fails with the recorded INIT error.
 */
export async function ensureInitialised(rt: Resolved, list: NetworkConfigList): Promise<void> {
  const digest = configDigest(list);
  const check = () => {
    const state = readState(rt.cacheDir, list.name);
    if (!initNeeded(state, digest)) return false;
    if (state?.status === "init-failed" && state.digest === digest && state.error && rt.now() < (state.nextRetryAt ?? 0)) {
      throw errorFromRecord(`network ${list.name}: INIT failed, next retry after ${new Date(state.nextRetryAt!).toISOString()}`, state.error);
    }
    return true;
  };
  if (!check()) return;
  const release = await lockNetworkExclusive(rt.cacheDir, list.name, rt.lockTimeoutMs);
  try {
    if (check()) await runInit(rt, list); // someone may have done it while we waited
  } finally {
    release();
  }
}

/**
 * After a DEL or GC: a network whose config was removed is DEINITed (with its cached
 * config) once no attachment is left; until then it is "draining". Caller holds the
 * exclusive lock when `locked`.
 */
export async function settleRemoved(rt: Resolved, name: string, locked: boolean): Promise<"deinit" | "draining" | "none"> {
  if (isRemoved(rt, name) !== true) return "none";
  const state = readState(rt.cacheDir, name);
  if (!state) return "none"; // never initialised by us: nothing to undo
  const release = locked ? () => {} : await lockNetworkExclusive(rt.cacheDir, name, rt.lockTimeoutMs);
  try {
    const current = readState(rt.cacheDir, name);
    if (!current) return "none";
    if (listCached(rt.cacheDir, { network: name }).length > 0) {
      if (current.status !== "draining" && current.status !== "deinit-pending") {
        writeState(rt.cacheDir, { ...current, status: "draining", updatedAt: new Date(rt.now()).toISOString() });
      }
      return "draining";
    }
    await runDeinit(rt, listFromCache(current.config, `cached config of network ${name}`), current);
    return "deinit";
  } finally {
    release();
  }
}
