import { mkdirSync, readFileSync, unlinkSync } from "node:fs";
import { join } from "node:path";
import { withLock, writeFileAtomic } from "@tscni/skel";
import type { MasqBackendName } from "@tscni/net";

/** What INIT (or a lazy ADD) set up for one network: what DEINIT undoes. */
export interface NetworkRecord {
  bridge: string;
  /** Digest of the bridge-level settings; a mismatch sends ADD down the slow path. */
  setupKey: string;
  /** Gateway CIDRs this network put on `gatewayDev`. */
  gateways: string[];
  gatewayDev: string;
  /** Per-network masquerade: subnets from the config, plus any only learnt from ADD results. */
  masq?: { backend: MasqBackendName; subnets: string[]; fromResults: string[] };
}

/** Who owns a bridge: created by us or adopted, and which networks claim it. */
export interface BridgeRecord {
  created: boolean;
  claims: string[];
}

// File names come from network and bridge names, which skel and checkIfName already restrict
// to characters without "/"; encodeURIComponent is a second guard.
const file = (dir: string, kind: "networks" | "bridges", name: string) => join(dir, kind, encodeURIComponent(name) + ".json");

function readJson<T>(path: string): T | undefined {
  try {
    return JSON.parse(readFileSync(path, "utf8")) as T;
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === "ENOENT") return undefined;
    throw e;
  }
}

function write(dir: string, kind: "networks" | "bridges", name: string, v: unknown): void {
  mkdirSync(join(dir, kind), { recursive: true });
  writeFileAtomic(file(dir, kind, name), JSON.stringify(v) + "\n");
}

function remove(dir: string, kind: "networks" | "bridges", name: string): void {
  try {
    unlinkSync(file(dir, kind, name));
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code !== "ENOENT") throw e;
  }
}

export const readNetwork = (dir: string, name: string) => readJson<NetworkRecord>(file(dir, "networks", name));
export const writeNetwork = (dir: string, name: string, r: NetworkRecord) => write(dir, "networks", name, r);
export const removeNetwork = (dir: string, name: string) => remove(dir, "networks", name);
export const readBridge = (dir: string, name: string) => readJson<BridgeRecord>(file(dir, "bridges", name));
export const writeBridge = (dir: string, name: string, r: BridgeRecord) => write(dir, "bridges", name, r);
export const removeBridge = (dir: string, name: string) => remove(dir, "bridges", name);

/**
 * Serialise record updates across processes (two networks may INIT at once). One flock
 * for the whole state dir: shared-resource changes are rare and quick.
 */
export function withStateLock<T>(dir: string, fn: () => Promise<T>): Promise<T> {
  return withLock("bridge-state", fn, { dir: join(dir, "locks") });
}
