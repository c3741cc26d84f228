import { readFileSync, writeFileSync } from "node:fs";
import { CniError, ErrorCode, ioFailure } from "@tscni/types";
import { runIn, type Netns } from "./netns.js";
import { threadNetns } from "./thread-netns.js";
import { ExecError } from "./exec.js";
import { checkIfName } from "./names.js";

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

export interface SysctlOptions {
  /** Skip keys that do not exist (e.g. IPv6 disabled); others still fail. */
  ignoreMissing?: boolean;
}

type Values = Record<string, string | number>;

/** One line per key in `sysctl -p -` input: a value must not start another. */
function checkValue(key: string, v: string): string {
  if (/[\n\r]/.test(v)) throw new CniError(ErrorCode.InvalidConfig, `invalid value for sysctl ${JSON.stringify(key)}`);
  return v;
}

/**
 * Write sysctls in ns. Our own netns: plain file writes, no exec. Another netns: under
 * Bun, the same writes with this thread switched into it (thread-netns.ts); under Node,
 * one `nsenter --net=PATH sysctl` exec for all keys (/proc/sys/net shows the opener's netns).
 * `values` may be a promise (e.g. keys of a link still being created): the exec starts at
 * once and reads the keys from stdin (`sysctl -p -`) when it resolves, so its startup
 * overlaps the wait; a rejection rejects this call (the exec then gets no keys).
 */
export async function setSysctls(ns: Netns, values: Values | Promise<Values>, o: SysctlOptions = {}): Promise<void> {
  const entries = (v: Values) => Object.entries(v).map(([k, x]) => [keyPath(k), checkValue(k, String(x))] as const);
  if (!ns.path) return writeKeys(entries(await values), o);
  // Standalone build: this thread enters the netns and writes the files, no exec.
  const inNetns = await threadNetns();
  if (inNetns) {
    const list = entries(await values);
    if (list.length === 0) return;
    return inNetns(ns.path, () => writeKeys(list, o));
  }
  const e = o.ignoreMissing ? ["-e"] : [];
  if (values instanceof Promise) {
    const lines = values.then((v) => entries(v).map(([k, x]) => `${k} = ${x}\n`).join(""));
    await Promise.all([runIn({ path: ns.path }, ["sysctl", "-q", ...e, "-p", "-"], { input: lines }), lines]);
    return;
  }
  const list = entries(values);
  if (list.length === 0) return;
  await runIn({ path: ns.path }, ["sysctl", "-q", ...e, "-w", ...list.map(([k, v]) => `${k}=${v}`)]);
}

/** Plain /proc/sys writes in this thread's netns (instant: no thread-pool hop). */
function writeKeys(list: ReadonlyArray<readonly [string, string]>, o: SysctlOptions): void {
  for (const [k, v] of list) {
    try {
      writeFileSync(`/proc/sys/${k}`, v);
    } catch (e) {
      if (o.ignoreMissing && (e as NodeJS.ErrnoException).code === "ENOENT") continue;
      throw ioFailure(`cannot set sysctl ${k} to ${v}`, e);
    }
  }
}

export async function getSysctl(ns: Netns, key: string): Promise<string> {
  const k = keyPath(key);
  if (!ns.path) {
    try {
      return readFileSync(`/proc/sys/${k}`, "utf8").trim();
    } catch (e) {
      throw ioFailure(`cannot read sysctl ${k}`, e);
    }
  }
  try {
    return (await runIn({ path: ns.path }, ["sysctl", "-n", k])).stdout.trim();
  } catch (e) {
    if (e instanceof ExecError) throw new CniError(ErrorCode.IoFailure, e.message, e.details);
    throw e;
  }
}

/**
 * Sysctls that make the kernel announce `dev`'s addresses when it comes up: gratuitous
 * ARP (arp_notify, what the Go bridge sets) and unsolicited NA (ndisc_notify). Set them
 * before adding addresses and bringing the link up; no arping binary needed.
 */
export function announceSysctls(dev: string): Record<string, string> {
  return { [ifSysctl(4, dev, "arp_notify")]: "1", [ifSysctl(6, dev, "ndisc_notify")]: "1" };
}
