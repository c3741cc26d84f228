import { createHash } from "node:crypto";
import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { canonicalJson } from "@tscni/types";
import type { NetworkConfigList } from "../conf/parse.js";
import { removeFile, writeFileAtomic } from "@tscni/state";

/**
 * Where one configuration of a network stands (docs/lifecycle.md, "Generations"):
 * - initialised / init-failed: the network's current configuration, which ADDs use;
 * - draining: an older (or removed) configuration that cached attachments still use;
 * - deinit-pending: an older configuration whose DEINIT failed, retried by reconcile.
 */
export type RecordedStatus = "initialised" | "init-failed" | "draining" | "deinit-pending";

export interface ErrorRecord {
  code: number;
  msg: string;
  details?: string;
  /** Index and type of the plugin that failed. */
  plugin?: { index: number; type: string };
}

/** One INITed (or attempted) configuration of a network. */
export interface Generation {
  status: RecordedStatus;
  /** configDigest of `config`. */
  digest: string;
  /** The config list's text: DEINIT uses it after the file changed or went. */
  config: string;
  error?: ErrorRecord;
  /** Consecutive failed INIT (or DEINIT) attempts; INIT's drive its backoff (a failed DEINIT is retried at every reconcile). */
  attempts: number;
  /** Epoch ms before which a failed INIT is not retried by ADD or reconcile. */
  nextRetryAt?: number;
  updatedAt: string;
}

/** An explicit removal whose DELs failed: reconcile retries them, then DEINITs. */
export interface PendingRemoval {
  attempts: number;
  nextRetryAt: number;
  error?: ErrorRecord;
}

/** Recorded per network (docs/lifecycle.md "What the runtime guarantees", refined by generations). */
export interface NetworkState {
  name: string;
  /** The configuration ADDs are made under; absent once the network's config is gone. */
  current?: Generation;
  /** Older configurations with cached attachments, or whose DEINIT is pending. */
  retired: Generation[];
  removal?: PendingRemoval;
}

/** Network-level state lives next to libcni's results/, in its own directory. */
export function networksDir(cacheDir: string): string {
  return join(cacheDir, "tscni", "networks");
}

function stateFile(cacheDir: string, name: string): string {
  return join(networksDir(cacheDir), `${name}.json`);
}

/** Digest of what a network is: name, selected version and plugins (key order ignored). */
export function configDigest(list: NetworkConfigList): string {
  const what = { name: list.name, cniVersion: list.cniVersion, plugins: list.plugins };
  return createHash("sha256").update(canonicalJson(what)).digest("hex").slice(0, 32);
}

export function readState(cacheDir: string, name: string): NetworkState | undefined {
  let raw: Partial<NetworkState>;
  try {
    raw = JSON.parse(readFileSync(stateFile(cacheDir, name), "utf8")) as Partial<NetworkState>;
  } catch {
    return undefined;
  }
  return { ...raw, name, retired: Array.isArray(raw.retired) ? raw.retired : [] };
}

/** Writes the state, or forgets the network once nothing is left to track. */
export function writeState(cacheDir: string, state: NetworkState): void {
  if (!state.current && state.retired.length === 0 && !state.removal) return forgetState(cacheDir, state.name);
  writeFileAtomic(stateFile(cacheDir, state.name), `${JSON.stringify(state, null, 2)}\n`, 0o600);
}

export function forgetState(cacheDir: string, name: string): void {
  removeFile(stateFile(cacheDir, name));
}

export function listStates(cacheDir: string): NetworkState[] {
  let names: string[];
  try {
    names = readdirSync(networksDir(cacheDir)).filter((n) => n.endsWith(".json") && !n.startsWith("."));
  } catch {
    return [];
  }
  return names
    .sort()
    .map((n) => readState(cacheDir, n.slice(0, -".json".length)))
    .filter((s): s is NetworkState => s !== undefined);
}
