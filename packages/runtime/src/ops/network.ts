import { CniError, ErrorCode, isCniError } from "@tscni/types";
import { listCached, type CachedAttachment } from "../cache/results.js";
import { configDigest, readState, writeState, type Generation, type NetworkState } from "../cache/network-state.js";
import { gcConfig, networkConfig, type Attachment } from "../conf/derive.js";
import type { NetworkConfigList } from "../conf/parse.js";
import { atLeast } from "../conf/version.js";
import { callPlugin, probeVersion } from "../invoke.js";
import { lockNetworkExclusive } from "../lock/network-lock.js";
import type { Resolved } from "../options.js";
import { delUnlocked } from "./attachment.js";
import { backoff, deinitAll, errorFromRecord, errorRecord, retireCurrent, runInit, settleGenerations, type GenerationOutcome } from "./lifecycle.js";
import { isRemoved, listFromCache, resolveList, type NetworkRef } from "./resolve.js";

/**
 * STATUS of every plugin in order (CNI >= 1.1.0 lists only); the first error is the answer.
 * A network whose INIT failed is not available (code 50) whatever its plugins say.
 */
export async function status(rt: Resolved, ref: NetworkRef): Promise<void> {
  const list = resolveList(rt, ref);
  const cur = readState(rt.cacheDir, list.name)?.current;
  if (cur?.status === "init-failed" && cur.error) {
    throw errorFromRecord(`network ${list.name} is not available: INIT failed`, { ...cur.error, code: ErrorCode.NotAvailable });
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
  /** Retired generations settled after the DELs (docs/lifecycle.md, "Generations"). */
  generations?: GenerationOutcome[];
}

/** The newest configuration the runtime knows of a network whose file is gone. */
function lastKnown(state: NetworkState | undefined): NetworkConfigList | undefined {
  const gen = state?.current ?? state?.retired.at(-1);
  return gen ? listFromCache(gen.config, `cached config of network ${state!.name}`) : undefined;
}

/** DEL every cached attachment of the network that `keep` does not hold, each with its cached config. */
async function delCached(rt: Resolved, name: string, fallback: NetworkConfigList | undefined, keep: (a: CachedAttachment) => boolean): Promise<{ deleted: Attachment[]; errors: CniError[] }> {
  const out = { deleted: [] as Attachment[], errors: [] as CniError[] };
  for (const cached of listCached(rt.cacheDir, { network: name })) {
    if (keep(cached)) continue;
    try {
      const list = cached.config ? listFromCache(cached.config, `cached config of ${name}`) : fallback;
      if (!list) throw new CniError(ErrorCode.InvalidConfig, `no config to DEL ${cached.containerId}/${cached.ifName} with`);
      await delUnlocked(rt, list, { network: list, ...cached }, cached);
      out.deleted.push({ containerID: cached.containerId, ifname: cached.ifName });
    } catch (e) {
      out.errors.push(isCniError(e) ? e : new CniError(ErrorCode.Internal, String(e)));
    }
  }
  return out;
}

/** GC verbs to every plugin (lists >= 1.1.0 only, as libcni); errors are collected. */
async function gcPlugins(rt: Resolved, list: NetworkConfigList, valid: readonly Attachment[], errors: CniError[]): Promise<void> {
  if (!atLeast(list.cniVersion, "1.1.0")) return;
  for (const [i, plugin] of list.plugins.entries()) {
    try {
      await callPlugin(rt, list.name, "GC", plugin, i, gcConfig(list, plugin, valid));
    } catch (e) {
      errors.push(e as CniError);
    }
  }
}

function removalOutcome(rt: Resolved, name: string): "deinit" | "draining" | "none" {
  const after = readState(rt.cacheDir, name);
  if (!after) return "deinit";
  return after.retired.some((g) => g.status === "draining") ? "draining" : "none";
}

/**
 * GC, stop-the-world: DEL every cached attachment of the network that is not in `valid`
 * (with its cached config), then GC every plugin with the valid list (CNI >= 1.1.0).
 * `disableGC` (of the current config, or the last known one when the file is gone) means
 * nothing at all (SPEC: the runtime must not GC). A network whose config was removed gets
 * no GC verb. Retired generations left without attachments are DEINITed.
 */
export async function gc(rt: Resolved, ref: NetworkRef, valid: Attachment[]): Promise<GcReport> {
  const name = typeof ref === "string" ? ref : ref.name;
  const removed = typeof ref === "string" && isRemoved(rt, name) === true;
  const release = await lockNetworkExclusive(rt.cacheDir, name, rt.lockTimeoutMs);
  try {
    const list = removed ? lastKnown(readState(rt.cacheDir, name)) : resolveList(rt, ref);
    if (list?.disableGC) return { deleted: [], errors: [], skipped: "disableGC" };
    const keep = new Set(valid.map((a) => `${a.containerID}\0${a.ifname}`));
    const report: GcReport = await delCached(rt, name, list, (c) => keep.has(`${c.containerId}\0${c.ifName}`));
    if (!removed && list) await gcPlugins(rt, list, valid, report.errors);
    const state = readState(rt.cacheDir, name);
    if (state) report.generations = await settleGenerations(rt, state, { retryPending: false });
    if (removed) report.removal = removalOutcome(rt, name);
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

/** The generations an explicit DEINIT or a removal releases: every recorded one, plus `extra` when it is none of them. */
function withGeneration(rt: Resolved, state: NetworkState, extra: NetworkConfigList | undefined): NetworkState {
  if (!extra) return state;
  const digest = configDigest(extra);
  if (state.current?.digest === digest || state.retired.some((g) => g.digest === digest)) return state;
  const gen: Generation = { status: "draining", digest, config: extra.bytes, attempts: 0, updatedAt: new Date(rt.now()).toISOString() };
  return { ...state, retired: [...state.retired, gen] };
}

/** The config the caller names, when there is one: the list given, or the network's file. */
function namedList(rt: Resolved, ref: NetworkRef): NetworkConfigList | undefined {
  if (typeof ref !== "string") return ref;
  return isRemoved(rt, ref) === false ? resolveList(rt, ref) : undefined;
}

/**
 * Explicit DEINIT of every generation of the network. It refuses while attachments are
 * cached (their plugins would lose the shared resources under them) unless `force`. A
 * network we never initialised and cannot find is already "deinitialised".
 */
export async function deinit(rt: Resolved, ref: NetworkRef, opts: { force?: boolean } = {}): Promise<void> {
  const name = typeof ref === "string" ? ref : ref.name;
  const release = await lockNetworkExclusive(rt.cacheDir, name, rt.lockTimeoutMs);
  try {
    const attached = listCached(rt.cacheDir, { network: name });
    if (attached.length > 0 && !opts.force) {
      const which = attached.slice(0, 5).map((a) => `${a.containerId}/${a.ifName}`).join(", ");
      throw new CniError(
        ErrorCode.TryAgainLater,
        `network ${name} still has ${attached.length} attachment(s): DEL them first, or force the DEINIT`,
        `cached attachments: ${which}${attached.length > 5 ? ", ..." : ""}; a forced DEINIT releases the shared resources they use`,
      );
    }
    const state = withGeneration(rt, readState(rt.cacheDir, name) ?? { name, retired: [] }, namedList(rt, ref));
    await deinitAll(rt, state);
  } finally {
    release();
  }
}

/**
 * Uninstall a network: DEL every cached attachment (each with its cached config), GC with
 * an empty list when the network is still configured and allows GC, DEINIT every
 * generation, forget. When DELs fail, the network stays draining and reconcile retries
 * those DELs with backoff, then DEINITs (retryRemoval). Returns the errors.
 */
export async function removeNetwork(rt: Resolved, ref: NetworkRef): Promise<CniError[]> {
  const name = typeof ref === "string" ? ref : ref.name;
  const release = await lockNetworkExclusive(rt.cacheDir, name, rt.lockTimeoutMs);
  try {
    const configured = namedList(rt, ref);
    const state = readState(rt.cacheDir, name);
    const { errors } = await delCached(rt, name, configured ?? lastKnown(state), () => false);
    const delErrors = [...errors];
    if (configured && !configured.disableGC) await gcPlugins(rt, configured, [], errors);
    return [...errors, ...(await finishRemoval(rt, withGeneration(rt, readState(rt.cacheDir, name) ?? { name, retired: [] }, configured), delErrors))];
  } finally {
    release();
  }
}

/** After a removal's DELs: DEINIT everything, or, when some DEL failed, wait for reconcile's retry. */
async function finishRemoval(rt: Resolved, state: NetworkState, delErrors: readonly CniError[]): Promise<CniError[]> {
  if (delErrors.length > 0 && listCached(rt.cacheDir, { network: state.name }).length > 0) {
    retireCurrent(rt, state);
    const attempts = (state.removal?.attempts ?? 0) + 1;
    state.removal = { attempts, nextRetryAt: rt.now() + backoff(rt, attempts), error: errorRecord(delErrors[0]) };
    writeState(rt.cacheDir, state);
    return [];
  }
  try {
    await deinitAll(rt, state);
    return [];
  } catch (e) {
    return [isCniError(e) ? e : new CniError(ErrorCode.Internal, String(e))];
  }
}

/** Reconcile's retry of a removal whose DELs failed; the outcome is the network's phase after it. */
export async function retryRemoval(rt: Resolved, name: string): Promise<{ phase: "removed" | "draining" | "deinit-pending"; errors: CniError[] }> {
  const release = await lockNetworkExclusive(rt.cacheDir, name, rt.lockTimeoutMs);
  try {
    const state = readState(rt.cacheDir, name);
    if (!state) return { phase: "removed", errors: [] };
    const { errors } = await delCached(rt, name, lastKnown(state), () => false);
    errors.push(...(await finishRemoval(rt, state, errors)));
    const after = readState(rt.cacheDir, name);
    return { phase: !after ? "removed" : after.removal ? "draining" : "deinit-pending", errors };
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
