import { readFileSync, writeFileSync } from "node:fs";
import { CniError, ErrorCode, describeError } from "@tscni/types";
import { checkIfName } from "@tscni/types/names";
import { threadSwitching } from "./backend.js";
import { errnoOf, errnoText } from "./errors.js";
import { ExecError } from "./exec.js";
import { runIn, type Netns } from "./netns.js";
import { withNetns } from "./with-netns.js";

/*
 * Sysctls of a netns. /proc/sys/net shows the netns of whoever opens it: our own netns is
 * plain file I/O; another is the same I/O with this thread switched in (netlink backend),
 * or one `nsenter --net=PATH sysctl` exec (iproute2 backend). Both give the same answers
 * and the same errors: code 5, "cannot set sysctl KEY to VALUE: <errno text>".
 */

/**
 * Keys use "/" separators ("net/ipv4/conf/eth0.100/arp_notify") so interface names with
 * dots survive; dotted keys without a "/" ("net.ipv4.ip_forward") are converted.
 */
function keyPath(key: string): string {
  const k = key.includes("/") ? key.replace(/^\/+/, "").replace(/^proc\/sys\//, "") : key.replaceAll(".", "/");
  if (!/^[A-Za-z0-9_./-]+$/.test(k) || k.split("/").some((p) => p === "" || p === "." || p === "..")) {
    throw new CniError(ErrorCode.InvalidConfig, `invalid sysctl key ${JSON.stringify(key)}`);
  }
  return k;
}

/** Per-interface key, e.g. ifSysctl(4, "eth0", "arp_notify"). */
export function ifSysctl(family: 4 | 6, dev: string, name: string): string {
  return `net/ipv${family}/conf/${checkIfName(dev)}/${name}`;
}

/**
 * The announcement Go's bridge asks for on a container interface: arp_notify (and its IPv6
 * twin, ndisc_notify), set before the addresses go on and the link comes up. Go sends no
 * packet of its own; the kernel announces when the link's address changes.
 */
export function announceSysctls(dev: string, families: ReadonlyArray<4 | 6> = [4]): Record<string, string> {
  const out: Record<string, string> = {};
  if (families.includes(4)) out[ifSysctl(4, dev, "arp_notify")] = "1";
  if (families.includes(6)) out[ifSysctl(6, dev, "ndisc_notify")] = "1";
  return out;
}

export interface SysctlOptions {
  /** Skip keys that do not exist (e.g. IPv6 disabled); others still fail. */
  ignoreMissing?: boolean;
}

type Values = Record<string, string | number>;
type Entry = readonly [key: string, value: string];

function entriesOf(v: Values): Entry[] {
  return Object.entries(v).map(([k, x]) => {
    const value = String(x);
    // One key per line for `sysctl -p -`: a value must not start another.
    if (/[\n\r]/.test(value)) throw new CniError(ErrorCode.InvalidConfig, `invalid value for sysctl ${JSON.stringify(k)}`);
    return [keyPath(k), value] as const;
  });
}

const setFailed = (k: string, v: string, reason: string, details: string) => new CniError(ErrorCode.IoFailure, `cannot set sysctl ${k} to ${v}: ${reason}`, details);
const readFailed = (k: string, reason: string, details: string) => new CniError(ErrorCode.IoFailure, `cannot read sysctl ${k}: ${reason}`, details);

function errnoReason(e: unknown): string {
  const code = (e as NodeJS.ErrnoException).code;
  const n = code === undefined ? undefined : errnoOf(code);
  return n === undefined ? String((e as Error).message) : errnoText(n);
}

function writeKeys(list: readonly Entry[], o: SysctlOptions): void {
  for (const [k, v] of list) {
    try {
      writeFileSync(`/proc/sys/${k}`, v);
    } catch (e) {
      if (o.ignoreMissing && (e as NodeJS.ErrnoException).code === "ENOENT") continue;
      throw setFailed(k, v, errnoReason(e), describeError(e));
    }
  }
}

function readKey(k: string): string {
  try {
    return readFileSync(`/proc/sys/${k}`, "utf8");
  } catch (e) {
    throw readFailed(k, errnoReason(e), describeError(e));
  }
}

/** One value: trimmed, inner whitespace (multi-value keys such as ip_local_port_range) one space. */
const normalise = (s: string) => s.trim().split(/\s+/).join(" ");

/** sysctl(8)'s complaint about one key ("cannot stat /proc/sys/K: reason", "setting key "k": reason") as our error. */
function execFailure(e: ExecError, list: readonly Entry[], reading: boolean): CniError {
  const line = e.stderr.split("\n").find((l) => l.startsWith("sysctl:")) ?? e.stderr;
  const stat = /cannot stat \/proc\/sys\/(\S+): (.+)$/.exec(line);
  const set = /(?:setting|permission denied on) key "([^"]+)"(?:: (.+))?$/.exec(line);
  // sysctl prints dotted keys with an ifname's dots as "/": compare with both as "/".
  const flat = (k: string | undefined) => k?.trim().replace(/[./]/g, "/");
  const key = flat(stat?.[1] ?? set?.[1]);
  const reason = (stat?.[2] ?? set?.[2] ?? line.replace(/^sysctl: /, "")).trim();
  const hit = list.find(([k]) => flat(k) === key) ?? list[0];
  if (!hit) return e;
  return reading ? readFailed(hit[0], reason, e.details) : setFailed(hit[0], hit[1], reason, e.details);
}

/**
 * Write sysctls in ns (all keys, in order). `values` may be a promise (keys of a link still
 * being created): under iproute2 the exec starts at once and reads the keys from stdin
 * (`sysctl -p -`) when it resolves; a rejection rejects this call.
 */
export async function setSysctls(ns: Netns, values: Values | Promise<Values>, o: SysctlOptions = {}): Promise<void> {
  if (!ns.path) return writeKeys(entriesOf(await values), o);
  if (await threadSwitching()) {
    const list = entriesOf(await values);
    if (list.length > 0) await withNetns(ns.path, () => writeKeys(list, o));
    return;
  }
  const e = o.ignoreMissing ? ["-e"] : [];
  const later = values instanceof Promise ? values.then(entriesOf) : undefined;
  later?.catch(() => {});
  const list = later ? undefined : entriesOf(values as Values);
  if (list?.length === 0) return;
  const argv = later ? ["sysctl", "-q", ...e, "-p", "-"] : ["sysctl", "-q", ...e, "-w", ...list!.map(([k, v]) => `${k}=${v}`)];
  const run = runIn({ path: ns.path }, argv, later ? { input: later.then((l) => l.map(([k, v]) => `${k} = ${v}\n`).join(""), () => "") } : {});
  try {
    await Promise.all([run, later]);
  } catch (err) {
    await run.catch(() => {});
    if (err instanceof ExecError) throw execFailure(err, list ?? (await later!), false);
    throw err;
  }
}

export async function getSysctl(ns: Netns, key: string): Promise<string> {
  const k = keyPath(key);
  if (!ns.path) return normalise(readKey(k));
  if (await threadSwitching()) return normalise(await withNetns(ns.path, () => readKey(k)));
  try {
    return normalise((await runIn({ path: ns.path }, ["sysctl", "-n", k])).stdout);
  } catch (e) {
    if (e instanceof ExecError) throw execFailure(e, [[k, ""]], true);
    throw e;
  }
}
