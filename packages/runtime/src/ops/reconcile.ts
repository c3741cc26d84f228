import { CniError, ErrorCode, isCniError } from "@tscni/types";
import { configDigest, listStates, readState, type ErrorRecord, type Generation, type NetworkState, type RecordedStatus } from "../cache/network-state.js";
import { listCached } from "../cache/results.js";
import { loadNetworks } from "../conf/load.js";
import type { Resolved } from "../options.js";
import { lockNetworkExclusive } from "../lock/network-lock.js";
import { errorFromRecord, settleGenerations } from "./lifecycle.js";
import { init, retryRemoval } from "./network.js";
import { listFromCache } from "./resolve.js";

export type NetworkPhase = "uninitialised" | "initialised" | "changed" | "init-failed" | "draining" | "deinit-pending";

/** One configuration of a network the runtime still tracks. */
export interface GenerationReport {
  digest: string;
  status: RecordedStatus;
  /** Cached attachments made under it. */
  attachments: number;
}

export interface NetworkReport {
  name: string;
  phase: NetworkPhase;
  /** Config file, when the network is configured. */
  source?: string;
  cniVersion?: string;
  attachments: number;
  /** Current and retired generations (docs/lifecycle.md). */
  generations: GenerationReport[];
  error?: { code: number; msg: string; details?: string };
  nextRetryAt?: string;
}

export interface ReconcileStep {
  network: string;
  action: "init" | "deinit" | "del" | "none" | "wait";
  /** Phase after the step ("removed": nothing left of it). */
  phase: NetworkPhase | "removed";
  /** A retired generation the step was about, when not the network's current one. */
  generation?: string;
  error?: { code: number; msg: string };
}

export interface ReconcileReport {
  steps: ReconcileStep[];
  /** Config files that failed to load: removals are not processed while any exist. */
  configErrors: Array<{ file: string; code: number; msg: string }>;
}

function errJson(e: unknown): { code: number; msg: string } {
  return isCniError(e) ? { code: e.code, msg: e.message } : { code: ErrorCode.Internal, msg: String(e) };
}

/** Cached attachments per generation digest (entries whose config cannot be read count for none). */
function attachmentsByDigest(rt: Resolved, name: string): Map<string, number> {
  const out = new Map<string, number>();
  for (const a of listCached(rt.cacheDir, { network: name })) {
    try {
      const d = configDigest(listFromCache(a.config, "cached config"));
      out.set(d, (out.get(d) ?? 0) + 1);
    } catch {
      // counted in the total only
    }
  }
  return out;
}

function reportError(rec: ErrorRecord | undefined): NetworkReport["error"] {
  if (!rec) return undefined;
  return { code: rec.code, msg: errorFromRecord("", rec).message.replace(/^: /, ""), ...(rec.details ? { details: rec.details } : {}) };
}

/** The state of every network the runtime knows: configured ones, recorded ones, and ones with cached attachments. */
export function networks(rt: Resolved): NetworkReport[] {
  const configured = rt.confDir ? loadNetworks(rt.confDir).networks : [];
  const names = new Set<string>([...configured.map((n) => n.name), ...listStates(rt.cacheDir).map((s) => s.name), ...listCached(rt.cacheDir).map((a) => a.networkName)]);
  const out: NetworkReport[] = [];
  for (const name of [...names].sort()) {
    const list = configured.find((n) => n.name === name);
    const state = readState(rt.cacheDir, name);
    const counts = attachmentsByDigest(rt, name);
    const gens: Generation[] = [...(state?.current ? [state.current] : []), ...(state?.retired ?? [])];
    const cur = state?.current;
    let phase: NetworkPhase;
    if (state?.removal) phase = "draining";
    else if (list) phase = !cur ? "uninitialised" : cur.digest !== configDigest(list) ? "changed" : cur.status === "init-failed" ? "init-failed" : "initialised";
    else phase = state?.retired.some((g) => g.status === "deinit-pending") ? "deinit-pending" : "draining"; // config gone, something left
    const r: NetworkReport = {
      name,
      phase,
      attachments: listCached(rt.cacheDir, { network: name }).length,
      generations: gens.map((g) => ({ digest: g.digest, status: g.status, attachments: counts.get(g.digest) ?? 0 })),
    };
    if (list?.source) r.source = list.source;
    if (list) r.cniVersion = list.cniVersion;
    const err = reportError(cur?.error ?? state?.retired.find((g) => g.error)?.error ?? state?.removal?.error);
    if (err) r.error = err;
    const retryAt = state?.removal?.nextRetryAt ?? (cur?.status === "init-failed" ? cur.nextRetryAt : undefined);
    if (retryAt) r.nextRetryAt = new Date(retryAt).toISOString();
    out.push(r);
  }
  return out;
}

/** Settle a network's retired generations under its lock (DEINIT drained ones, retry failed DEINITs). */
async function settle(rt: Resolved, name: string): Promise<ReconcileStep[]> {
  const release = await lockNetworkExclusive(rt.cacheDir, name, rt.lockTimeoutMs);
  let state: NetworkState | undefined;
  try {
    state = readState(rt.cacheDir, name);
    if (!state) return [];
    const outcomes = await settleGenerations(rt, state, { retryPending: true });
    const gone = !readState(rt.cacheDir, name);
    return outcomes.map((o): ReconcileStep => {
      const phase = o.outcome === "deinit" ? "removed" : o.outcome;
      const step: ReconcileStep = { network: name, action: o.outcome === "draining" ? "none" : "deinit", phase, generation: o.digest };
      if (o.error) step.error = { code: o.error.code, msg: o.error.msg };
      // A removed network reports as a whole: its last generation is the network.
      if (gone || !state!.current) delete step.generation;
      return step;
    });
  } finally {
    release();
  }
}

/**
 * Bring the runtime's recorded state in line with the conf dir (docs/lifecycle.md "Reconcile",
 * docs/lifecycle.md): INIT new, changed and failed networks (failed ones only once their
 * backoff has passed, unless `force`); DEINIT retired generations that have drained and
 * retry failed DEINITs; retry the DELs of a removal that failed. Removed networks are not
 * processed while a config file fails to load (a typo must not look like a removal).
 */
export async function reconcile(rt: Resolved, opts: { force?: boolean } = {}): Promise<ReconcileReport> {
  if (!rt.confDir) throw new CniError(ErrorCode.InvalidConfig, "reconcile needs a configuration directory");
  const loaded = loadNetworks(rt.confDir);
  const report: ReconcileReport = { steps: [], configErrors: loaded.errors.map((e) => ({ file: e.file, code: e.error.code, msg: e.error.message })) };
  const initialised = new Set<string>(); // their INIT settled their retired generations already
  for (const list of loaded.networks) {
    const state = readState(rt.cacheDir, list.name);
    if (state?.removal) continue; // a removal in progress finishes first (below)
    const cur = state?.current;
    const digest = configDigest(list);
    if (cur?.status === "initialised" && cur.digest === digest) {
      report.steps.push({ network: list.name, action: "none", phase: "initialised" });
    } else if (!opts.force && cur?.status === "init-failed" && cur.digest === digest && rt.now() < (cur.nextRetryAt ?? 0)) {
      report.steps.push({ network: list.name, action: "wait", phase: "init-failed", ...(cur.error ? { error: { code: cur.error.code, msg: cur.error.msg } } : {}) });
    } else {
      initialised.add(list.name);
      try {
        await init(rt, list);
        report.steps.push({ network: list.name, action: "init", phase: "initialised" });
      } catch (e) {
        report.steps.push({ network: list.name, action: "init", phase: "init-failed", error: errJson(e) });
      }
    }
  }
  const configured = new Set(loaded.networks.map((n) => n.name));
  for (const state of listStates(rt.cacheDir)) {
    if (state.removal) {
      if (!opts.force && rt.now() < state.removal.nextRetryAt) {
        report.steps.push({ network: state.name, action: "wait", phase: "draining" });
        continue;
      }
      const r = await retryRemoval(rt, state.name);
      report.steps.push({ network: state.name, action: "del", phase: r.phase, ...(r.errors[0] ? { error: errJson(r.errors[0]) } : {}) });
      continue;
    }
    if (loaded.errors.length > 0 && !configured.has(state.name)) continue;
    if (initialised.has(state.name) || (configured.has(state.name) && state.retired.length === 0)) continue;
    report.steps.push(...(await settle(rt, state.name)));
  }
  return report;
}
