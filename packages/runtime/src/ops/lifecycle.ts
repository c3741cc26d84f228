import { answeredNotImplemented } from "@tscni/invoke";
import { CniError, ErrorCode, isCniError } from "@tscni/types";
import { listCached, type CachedAttachment } from "../cache/results.js";
import { configDigest, readState, writeState, type ErrorRecord, type Generation, type NetworkState } from "../cache/network-state.js";
import { instanceIdentities, networkConfig } from "../conf/derive.js";
import type { NetworkConfigList } from "../conf/parse.js";
import { PluginError, callPlugin, probeVersion } from "../invoke.js";
import { lockNetworkExclusive } from "../lock/network-lock.js";
import type { Resolved } from "../options.js";
import { isRemoved, listFromCache } from "./resolve.js";

export function errorRecord(e: unknown): ErrorRecord {
  const err = isCniError(e) ? e : new CniError(ErrorCode.Internal, String(e));
  const rec: ErrorRecord = { code: err.code, msg: err.message };
  if (err.details) rec.details = err.details;
  if (e instanceof PluginError) rec.plugin = { index: e.index, type: e.plugin };
  return rec;
}

export function errorFromRecord(prefix: string, rec: ErrorRecord): CniError {
  const who = rec.plugin ? ` (plugin ${rec.plugin.index} ${JSON.stringify(rec.plugin.type)})` : "";
  return new CniError(rec.code, `${prefix}${who}: ${rec.msg}`, rec.details);
}

/** A plugin's INIT/DEINIT error that means "this plugin has no such verb" (the invocation package's rule). */
function notNeeded(rt: Resolved, list: NetworkConfigList, index: number, e: unknown): Promise<boolean> {
  return answeredNotImplemented(e, () => probeVersion(rt, list.name, list.plugins[index]!, index, list.cniVersion));
}

export function backoff(rt: Resolved, attempts: number): number {
  return Math.min(rt.initBackoffMs.max, rt.initBackoffMs.base * 2 ** Math.max(0, attempts - 1));
}

const stamp = (rt: Resolved) => new Date(rt.now()).toISOString();

function generation(rt: Resolved, list: NetworkConfigList, status: Generation["status"]): Generation {
  return { status, digest: configDigest(list), config: list.bytes, attempts: 0, updatedAt: stamp(rt) };
}

/** The current generation moves to the retired ones, to be DEINITed once its attachments are gone. */
export function retireCurrent(rt: Resolved, state: NetworkState): void {
  const cur = state.current;
  if (!cur) return;
  delete state.current;
  state.retired = state.retired.filter((g) => g.digest !== cur.digest);
  state.retired.push({ status: "draining", digest: cur.digest, config: cur.config, attempts: 0, updatedAt: stamp(rt) });
}

/**
 * INIT every plugin of `list` in order, as the network's new current generation (the
 * previous one is retired, not released: its attachments keep working). Stops at the
 * first failure and records it (plugins 0..k-1 are not DEINITed: INIT is idempotent and
 * their state is valid for a retry). Then DEINITs retired generations that have drained.
 * Caller holds the exclusive lock.
 */
export async function runInit(rt: Resolved, list: NetworkConfigList): Promise<void> {
  const digest = configDigest(list);
  const state: NetworkState = readState(rt.cacheDir, list.name) ?? { name: list.name, retired: [] };
  const prevAttempts = state.current?.digest === digest && state.current.status === "init-failed" ? state.current.attempts : 0;
  if (state.current?.digest !== digest) retireCurrent(rt, state);
  // A configuration reverted to one that is still draining is that same generation again.
  state.retired = state.retired.filter((g) => g.digest !== digest);
  let failure: unknown;
  for (const [i, plugin] of list.plugins.entries()) {
    try {
      await callPlugin(rt, list.name, "INIT", plugin, i, networkConfig(list, plugin));
    } catch (e) {
      if (await notNeeded(rt, list, i, e)) continue;
      failure = e;
      break;
    }
  }
  if (failure === undefined) state.current = generation(rt, list, "initialised");
  else {
    const attempts = prevAttempts + 1;
    state.current = { ...generation(rt, list, "init-failed"), error: errorRecord(failure), attempts, nextRetryAt: rt.now() + backoff(rt, attempts) };
  }
  writeState(rt.cacheDir, state);
  await settleGenerations(rt, state, { retryPending: false });
  if (failure !== undefined) throw failure;
}

/** Which generation (digest) each cached attachment of the network was made under. */
function attachmentDigests(cached: readonly CachedAttachment[]): string[] {
  const out: string[] = [];
  for (const a of cached) {
    try {
      out.push(configDigest(listFromCache(a.config, "cached config")));
    } catch {
      // an entry another runtime wrote without a config we can read belongs to no generation
    }
  }
  return out;
}

export interface GenerationOutcome {
  digest: string;
  outcome: "deinit" | "draining" | "deinit-pending";
  error?: ErrorRecord;
}

/**
 * DEINIT every plugin instance of `gens` (reverse list order) that no generation in `live`
 * still holds, each instance once. A failing plugin does not stop the others (DEINIT is
 * idempotent; releasing what we can is better than nothing). Returns each generation's
 * first error.
 */
async function deinitInstances(rt: Resolved, name: string, gens: readonly Generation[], live: ReadonlySet<string>): Promise<Map<string, unknown>> {
  const done = new Set<string>(live);
  const errors = new Map<string, unknown>();
  for (const gen of gens) {
    const list = listFromCache(gen.config, `cached config of network ${name}`);
    const ids = instanceIdentities(list);
    for (let i = list.plugins.length - 1; i >= 0; i--) {
      if (done.has(ids[i]!)) continue;
      done.add(ids[i]!);
      try {
        await callPlugin(rt, name, "DEINIT", list.plugins[i]!, i, networkConfig(list, list.plugins[i]!));
      } catch (e) {
        if (!(await notNeeded(rt, list, i, e)) && !errors.has(gen.digest)) errors.set(gen.digest, e);
      }
    }
  }
  return errors;
}

/**
 * The generations rule (docs/lifecycle.md): a network whose config file is gone has no
 * current generation; a retired generation with no cached attachment left is DEINITed
 * with its own config, except for plugin instances a live generation (the current one, or
 * a retired one still in use) also holds. `retryPending` also retries failed DEINITs
 * (reconcile does; a DEL does not). Caller holds the exclusive lock. Writes the state.
 */
export async function settleGenerations(rt: Resolved, state: NetworkState, o: { retryPending: boolean }): Promise<GenerationOutcome[]> {
  if (state.current && isRemoved(rt, state.name) === true) retireCurrent(rt, state);
  const inUse = new Set(attachmentDigests(listCached(rt.cacheDir, { network: state.name })));
  const due = state.retired.filter(
    (g) => !inUse.has(g.digest) && (g.status === "draining" || o.retryPending),
  );
  const live = new Set<string>();
  for (const g of [...(state.current ? [state.current] : []), ...state.retired.filter((g) => inUse.has(g.digest))]) {
    for (const id of instanceIdentities(listFromCache(g.config, `cached config of network ${state.name}`))) live.add(id);
  }
  const errors = due.length > 0 ? await deinitInstances(rt, state.name, due, live) : new Map<string, unknown>();
  const outcomes: GenerationOutcome[] = [];
  state.retired = state.retired.flatMap((g) => {
    if (!due.includes(g)) {
      if (inUse.has(g.digest)) outcomes.push({ digest: g.digest, outcome: "draining" });
      return [g];
    }
    const e = errors.get(g.digest);
    if (e === undefined) {
      outcomes.push({ digest: g.digest, outcome: "deinit" });
      return [];
    }
    const attempts = g.status === "deinit-pending" ? g.attempts + 1 : 1;
    const pending: Generation = { ...g, status: "deinit-pending", error: errorRecord(e), attempts, updatedAt: stamp(rt) };
    outcomes.push({ digest: g.digest, outcome: "deinit-pending", error: pending.error! });
    return [pending];
  });
  writeState(rt.cacheDir, state);
  return outcomes;
}

/**
 * After a DEL: when the network has retired generations (or its config is gone), the
 * attachment just deleted may have been the last of one: settle them under the
 * exclusive lock. A network with only a current generation costs one state read.
 */
export async function settleAfterDel(rt: Resolved, name: string): Promise<void> {
  const state = readState(rt.cacheDir, name);
  if (!state) return;
  if (state.retired.length === 0 && !(state.current && isRemoved(rt, name) === true)) return;
  const release = await lockNetworkExclusive(rt.cacheDir, name, rt.lockTimeoutMs);
  try {
    const now = readState(rt.cacheDir, name);
    if (now) await settleGenerations(rt, now, { retryPending: false });
  } finally {
    release();
  }
}

/** Does this network need INIT before an ADD (first use, changed config, earlier failure)? */
function initNeeded(state: NetworkState | undefined, digest: string): boolean {
  return state?.current?.digest !== digest || state.current.status !== "initialised";
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
    const cur = state?.current;
    if (cur?.status === "init-failed" && cur.digest === digest && cur.error && rt.now() < (cur.nextRetryAt ?? 0)) {
      throw errorFromRecord(`network ${list.name}: INIT failed, next retry after ${new Date(cur.nextRetryAt!).toISOString()}`, cur.error);
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
 * DEINIT every generation of the network (explicit deinit, or the end of a removal), each
 * plugin instance once, and forget it. Failures leave those generations deinit-pending
 * for reconcile. Caller holds the exclusive lock.
 */
export async function deinitAll(rt: Resolved, state: NetworkState): Promise<void> {
  const gens = [...(state.current ? [state.current] : []), ...state.retired];
  const errors = await deinitInstances(rt, state.name, gens, new Set());
  delete state.current;
  state.retired = gens.flatMap((g): Generation[] => {
    const e = errors.get(g.digest);
    if (e === undefined) return [];
    const attempts = g.status === "deinit-pending" ? g.attempts + 1 : 1;
    return [{ ...g, status: "deinit-pending", error: errorRecord(e), attempts, updatedAt: stamp(rt) }];
  });
  if (state.retired.length === 0) delete state.removal;
  writeState(rt.cacheDir, state);
  const first = errors.values().next();
  if (!first.done) throw first.value;
}
