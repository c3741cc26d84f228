import { CniError, isCniError } from "@tscni/types";
import { configDigest, listStates, readState } from "../cache/network-state.js";
import { listCached } from "../cache/results.js";
import { loadNetworks } from "../conf/load.js";
import type { Resolved } from "../options.js";
import { errorFromRecord } from "./lifecycle.js";
import { init } from "./network.js";
import { settleRemoved } from "./lifecycle.js";

export type NetworkPhase = "uninitialised" | "initialised" | "changed" | "init-failed" | "draining" | "deinit-pending";

export interface NetworkReport {
  name: string;
  phase: NetworkPhase;
  /** Config file, when the network is configured. */
  source?: string;
  cniVersion?: string;
  attachments: number;
  error?: { code: number; msg: string; details?: string };
  nextRetryAt?: string;
}

export interface ReconcileStep {
  network: string;
  action: "init" | "deinit" | "none" | "wait";
  /** Phase after the step. */
  phase: NetworkPhase | "removed";
  error?: { code: number; msg: string };
}

export interface ReconcileReport {
  steps: ReconcileStep[];
  /** Config files that failed to load: removals are not processed while any exist. */
  configErrors: Array<{ file: string; code: number; msg: string }>;
}

function errJson(e: unknown): { code: number; msg: string } {
  return isCniError(e) ? { code: e.code, msg: e.message } : { code: 999, msg: String(e) };
}

/** The state of every network the runtime knows: configured ones, recorded ones, and ones with cached attachments. */
export function networks(rt: Resolved): NetworkReport[] {
  const configured = rt.confDir ? loadNetworks(rt.confDir).networks : [];
  const names = new Set<string>([...configured.map((n) => n.name), ...listStates(rt.cacheDir).map((s) => s.name), ...listCached(rt.cacheDir).map((a) => a.networkName)]);
  const out: NetworkReport[] = [];
  for (const name of [...names].sort()) {
    const list = configured.find((n) => n.name === name);
    const state = readState(rt.cacheDir, name);
    const attachments = listCached(rt.cacheDir, { network: name }).length;
    let phase: NetworkPhase;
    if (state?.status === "init-failed" || state?.status === "deinit-pending") phase = state.status;
    else if (!list) phase = "draining"; // config gone, something left to clean
    else if (!state) phase = "uninitialised";
    else phase = state.digest === configDigest(list) ? "initialised" : "changed";
    const r: NetworkReport = { name, phase, attachments };
    if (list?.source) r.source = list.source;
    if (list) r.cniVersion = list.cniVersion;
    if (state?.error) r.error = { code: state.error.code, msg: errorFromRecord("", state.error).message.replace(/^: /, ""), ...(state.error.details ? { details: state.error.details } : {}) };
    if (state?.status === "init-failed" && state.nextRetryAt) r.nextRetryAt = new Date(state.nextRetryAt).toISOString();
    out.push(r);
  }
  return out;
}

/**
 * Bring the runtime's recorded state in line with the conf dir (LIFECYCLE.md "Reconcile"):
 * INIT new, changed and failed networks (failed ones only once their backoff has passed,
 * unless `force`), DEINIT removed networks that have drained, retry pending DEINITs.
 */
export async function reconcile(rt: Resolved, opts: { force?: boolean } = {}): Promise<ReconcileReport> {
  if (!rt.confDir) throw new CniError(7, "reconcile needs a configuration directory");
  const loaded = loadNetworks(rt.confDir);
  const report: ReconcileReport = { steps: [], configErrors: loaded.errors.map((e) => ({ file: e.file, code: e.error.code, msg: e.error.message })) };
  for (const list of loaded.networks) {
    const state = readState(rt.cacheDir, list.name);
    const upToDate = state?.status === "initialised" && state.digest === configDigest(list);
    if (upToDate) {
      report.steps.push({ network: list.name, action: "none", phase: "initialised" });
      continue;
    }
    if (!opts.force && state?.status === "init-failed" && state.digest === configDigest(list) && rt.now() < (state.nextRetryAt ?? 0)) {
      report.steps.push({ network: list.name, action: "wait", phase: "init-failed", ...(state.error ? { error: { code: state.error.code, msg: state.error.msg } } : {}) });
      continue;
    }
    try {
      await init(rt, list);
      report.steps.push({ network: list.name, action: "init", phase: "initialised" });
    } catch (e) {
      report.steps.push({ network: list.name, action: "init", phase: "init-failed", error: errJson(e) });
    }
  }
  if (loaded.errors.length > 0) return report; // a broken file must not look like a removed network
  const configured = new Set(loaded.networks.map((n) => n.name));
  for (const state of listStates(rt.cacheDir)) {
    if (configured.has(state.name)) continue;
    try {
      const outcome = await settleRemoved(rt, state.name, false);
      report.steps.push({ network: state.name, action: outcome === "deinit" ? "deinit" : "none", phase: outcome === "deinit" ? "removed" : "draining" });
    } catch (e) {
      report.steps.push({ network: state.name, action: "deinit", phase: "deinit-pending", error: errJson(e) });
    }
  }
  return report;
}
