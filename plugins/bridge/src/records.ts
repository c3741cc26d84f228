import { mkdirSync, readFileSync, unlinkSync } from "node:fs";
import { join } from "node:path";
import { CniError, ErrorCode } from "@tscni/types";
import { withLock, writeFileAtomic } from "@tscni/state";
import type { MasqBackendName } from "@tscni/net";

/**
 * What INIT (or a lazy ADD) set up for one instance of the network's config (@tscni/types
 * instanceKey: the config minus per-request keys): what that instance's DEINIT undoes.
 * A network changed by its operator has one instance per configuration still in use
 * (docs/lifecycle.md, "Generations"); each holds its own claims.
 */
export interface InstanceRecord {
  bridge: string;
  /** False while set up (write-ahead): ADD takes the fast path only on a ready instance. */
  ready: boolean;
  /** Gateway CIDRs this instance put on `gatewayDev`. */
  gateways: string[];
  gatewayDev: string;
  /** Masquerade: subnets from the config, plus any only learnt from ADD results. */
  masq?: { backend: MasqBackendName; subnets: string[]; fromResults: string[] };
}

/** Every instance of one network, by instance key. */
export interface NetworkRecord {
  instances: Record<string, InstanceRecord>;
}

/** Who owns a bridge: created by us or adopted, and which networks claim it. */
export interface BridgeRecord {
  created: boolean;
  claims: string[];
}

// File names come from network and bridge names, which skel and checkIfName already restrict
// to characters without "/"; encodeURIComponent is a second guard. A name too long for one
// path component (NAME_MAX) is stored under its hash ("~" never occurs in a valid name).
const file = (dir: string, kind: "networks" | "bridges", name: string) => {
  const enc = encodeURIComponent(name);
  const base = enc.length <= 200 ? enc : "~" + process.getBuiltinModule("node:crypto").createHash("sha256").update(name).digest("hex");
  return join(dir, kind, base + ".json");
};

/** An fs failure on our state: the spec's I/O error, naming the file (no stack trace). */
function ioError(path: string, e: unknown): unknown {
  const code = (e as NodeJS.ErrnoException).code;
  return code ? new CniError(ErrorCode.IoFailure, `bridge state ${path}: ${code}`, (e as Error).message) : e;
}

function readJson<T>(path: string): T | undefined {
  try {
    return JSON.parse(readFileSync(path, "utf8")) as T;
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === "ENOENT") return undefined;
    throw ioError(path, e);
  }
}

function write(dir: string, kind: "networks" | "bridges", name: string, v: unknown): void {
  const path = file(dir, kind, name);
  try {
    mkdirSync(join(dir, kind), { recursive: true });
    writeFileAtomic(path, JSON.stringify(v) + "\n");
  } catch (e) {
    throw ioError(path, e);
  }
}

function remove(dir: string, kind: "networks" | "bridges", name: string): void {
  try {
    unlinkSync(file(dir, kind, name));
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code !== "ENOENT") throw ioError(file(dir, kind, name), e);
  }
}

export const readNetwork = (dir: string, name: string): NetworkRecord | undefined => {
  const r = readJson<Partial<NetworkRecord>>(file(dir, "networks", name));
  return r ? { instances: r.instances ?? {} } : undefined;
};
/** Writes the network's record, or removes it once no instance is left. */
export const writeNetwork = (dir: string, name: string, r: NetworkRecord) =>
  Object.keys(r.instances).length > 0 ? write(dir, "networks", name, r) : remove(dir, "networks", name);
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
