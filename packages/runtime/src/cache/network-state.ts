import { createHash } from "node:crypto";
import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { canonicalJson } from "../conf/derive.js";
import type { NetworkConfigList } from "../conf/parse.js";
import { removeFile, writeFileAtomic } from "@tscni/skel";

/** Recorded per network (LIFECYCLE.md "What the runtime guarantees"). */
export type RecordedStatus = "initialised" | "init-failed" | "draining" | "deinit-pending";

export interface ErrorRecord {
  code: number;
  msg: string;
  details?: string;
  /** Index and type of the plugin that failed. */
  plugin?: { index: number; type: string };
}

export interface NetworkState {
  name: string;
  status: RecordedStatus;
  /** Digest of the config last INITialised (or attempted). */
  digest: string;
  /** That config's text: DEINIT uses it after the file is gone. */
  config: string;
  error?: ErrorRecord;
  /** Consecutive failed INIT (or DEINIT) attempts; drives the backoff. */
  attempts: number;
  /** Epoch ms before which ADD does not retry a failed INIT. */
  nextRetryAt?: number;
  updatedAt: string;
}

/** Network-level state lives next to libcni's results/, in its own directory. */
export function networksDir(cacheDir: string): string {
  return join(cacheDir, "tscni", "networks");
}

function stateFile(cacheDir: string, name: string): string {
  return join(networksDir(cacheDir), `${name}.json`);
}

/** Digest of what a network is: name, selected version, flags and plugins (key order ignored). */
export function configDigest(list: NetworkConfigList): string {
  const what = { name: list.name, cniVersion: list.cniVersion, plugins: list.plugins };
  return createHash("sha256").update(canonicalJson(what)).digest("hex").slice(0, 32);
}

export function readState(cacheDir: string, name: string): NetworkState | undefined {
  try {
    return JSON.parse(readFileSync(stateFile(cacheDir, name), "utf8")) as NetworkState;
  } catch {
    return undefined;
  }
}

export function writeState(cacheDir: string, state: NetworkState): void {
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
