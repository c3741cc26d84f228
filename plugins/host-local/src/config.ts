import { isAbsolute, join } from "node:path";
import { CniError, ErrorCode } from "@tscni/types";
import {
  bitsOf, cidrContains, formatCIDR, formatIP, hasHostBits, isV4Mapped, lastOf, networkOf, nextIP, parseCIDR, parseIP,
  prevIP, unmap, type CIDR, type IPAddr,
} from "@tscni/net/ip";
import type { HostLocalConfig, RangeInput, RouteInput } from "./schema.js";

export const DEFAULT_DATA_DIR = "/var/lib/cni/networks";

/** One allocatable range: addresses start..end of subnet (both inclusive). */
export interface Range {
  subnet: CIDR;
  start: IPAddr;
  end: IPAddr;
  gateway: IPAddr;
}

/** Ranges of one family; an ADD takes one address from each range set. */
export type RangeSet = Range[];

export interface IpamConfig {
  name: string;
  cniVersion: string;
  /** The network's store directory: dataDir/name. */
  dir: string;
  ranges: RangeSet[];
  routes: RouteInput[];
  resolvConf: string | undefined;
  /** From CNI_ARGS IP=, args.cni.ips and runtimeConfig.ips, in that order. */
  requestedIPs: IPAddr[];
}

const VALID_NAME = /^[a-zA-Z0-9][a-zA-Z0-9_.\-]*$/;

function bad(path: string, msg: string): never {
  throw new CniError(ErrorCode.InvalidConfig, `${path}: ${msg}`);
}

/** A v4-mapped literal means the v4 address, as in Go's canonicalizeIP. */
function ipAt(path: string, s: string): IPAddr {
  const ip = parseIP(s);
  if (!ip) bad(path, `invalid IP address ${JSON.stringify(s)}`);
  return unmap(ip);
}

/** "a.b.c.d" or "a.b.c.d/len" (the address part counts), like Go's ip.ParseIP. */
function requestedIPAt(path: string, s: string): IPAddr {
  const slash = s.indexOf("/");
  if (slash < 0) return ipAt(path, s);
  const c = parseCIDR(s);
  if (!c) bad(path, `invalid IP address ${JSON.stringify(s)}`);
  return unmap(c.ip);
}

/** Last usable address of a subnet: v4 skips the broadcast address. */
function defaultEnd(subnet: CIDR): IPAddr {
  const last = lastOf(subnet);
  return subnet.ip.family === 4 ? (prevIP(last) as IPAddr) : last;
}

export function rangeString(r: Range): string {
  return `${formatIP(r.start)}-${formatIP(r.end)}`;
}

export function rangeSetString(s: RangeSet): string {
  return s.map(rangeString).join(",");
}

export function rangeContains(r: Range, ip: IPAddr): boolean {
  return ip.family === r.start.family && ip.value >= r.start.value && ip.value <= r.end.value;
}

export function rangeFor(set: RangeSet, ip: IPAddr): Range | undefined {
  const addr = unmap(ip);
  return set.find((r) => rangeContains(r, addr));
}

function overlaps(a: Range, b: Range): boolean {
  return a.start.family === b.start.family && a.start.value <= b.end.value && b.start.value <= a.end.value;
}

/** Fills defaults and checks one range (Go's Range.Canonicalize, plus family and order checks). */
export function normaliseRange(input: RangeInput, path: string): Range {
  const s = input.subnet;
  if (s === undefined || s === "") bad(`${path}.subnet`, "missing");
  const subnet = parseCIDR(s);
  if (!subnet) bad(`${path}.subnet`, `invalid CIDR ${JSON.stringify(s)}`);
  if (isV4Mapped(subnet.ip)) bad(`${path}.subnet`, `${s}: IPv4-mapped subnets are not supported, write the IPv4 form`);
  const bits = bitsOf(subnet.ip.family);
  if (subnet.prefix > bits - 2) bad(`${path}.subnet`, `network ${s} too small to allocate from`);
  if (hasHostBits(subnet))
    bad(`${path}.subnet`, `network has host bits set; for a prefix of ${subnet.prefix} the network address is ${formatIP(networkOf(subnet))}`);
  const fam = subnet.ip.family;
  const net = formatCIDR(subnet);

  const opt = (key: "rangeStart" | "rangeEnd" | "gateway"): IPAddr | undefined => {
    const v = input[key];
    if (v === undefined || v === "") return undefined; // Go treats "" as unset
    const ip = ipAt(`${path}.${key}`, v);
    if (ip.family !== fam) bad(`${path}.${key}`, `${v} is not of the subnet's address family (${net})`);
    if (key !== "gateway" && !cidrContains(subnet, ip)) bad(`${path}.${key}`, `${v} is not in network ${net}`);
    return ip;
  };
  const gateway = opt("gateway") ?? (nextIP(subnet.ip) as IPAddr);
  const start = opt("rangeStart") ?? (nextIP(subnet.ip) as IPAddr);
  const end = opt("rangeEnd") ?? defaultEnd(subnet);
  if (start.value > end.value) bad(`${path}.rangeStart`, `${formatIP(start)} is after rangeEnd ${formatIP(end)}`);
  return { subnet, start, end, gateway };
}

function normaliseRangeSet(inputs: RangeInput[], path: string): RangeSet {
  if (inputs.length === 0) bad(path, "empty range set");
  const set = inputs.map((r, i) => normaliseRange(r, `${path}[${i}]`));
  const fam = set[0]!.start.family;
  set.forEach((r, i) => {
    if (r.start.family !== fam) bad(`${path}[${i}]`, "mixed address families in one range set");
  });
  for (let i = 0; i < set.length; i++)
    for (let j = i + 1; j < set.length; j++)
      if (overlaps(set[i]!, set[j]!)) bad(path, `ranges ${rangeString(set[i]!)} and ${rangeString(set[j]!)} overlap`);
  return set;
}

function validateDataDir(dataDir: string): string {
  if (dataDir.includes("\0")) bad("ipam.dataDir", "contains a NUL byte");
  if (!isAbsolute(dataDir)) bad("ipam.dataDir", `${JSON.stringify(dataDir)} must be an absolute path`);
  if (dataDir.split("/").some((seg) => seg === "..")) bad("ipam.dataDir", `${JSON.stringify(dataDir)} must not contain ".."`);
  return dataDir;
}

function truthy(path: string, v: string): boolean {
  const l = v.toLowerCase();
  if (l === "1" || l === "true") return true;
  if (l === "0" || l === "false") return false;
  throw new CniError(ErrorCode.InvalidEnv, `CNI_ARGS ${path}: boolean expected, got ${JSON.stringify(v)}`);
}

/** CNI_ARGS as Go's IPAMEnvArgs reads them: IP and IgnoreUnknown; other keys fail unless IgnoreUnknown is set. */
function ipFromCniArgs(args: ReadonlyArray<readonly [string, string]>): IPAddr | undefined {
  let ignoreUnknown = false;
  for (const [k, v] of args) if (k === "IgnoreUnknown") ignoreUnknown = truthy(k, v);
  let ip: IPAddr | undefined;
  for (const [k, v] of args) {
    if (k === "IP") {
      const c = v.includes("/") ? parseCIDR(v)?.ip : parseIP(v);
      if (!c) throw new CniError(ErrorCode.InvalidEnv, `CNI_ARGS IP: invalid IP address ${JSON.stringify(v)}`);
      ip = unmap(c);
    } else if (k !== "IgnoreUnknown" && !ignoreUnknown) {
      throw new CniError(ErrorCode.InvalidEnv, `CNI_ARGS: unknown args ${JSON.stringify(k)}`, "set IgnoreUnknown=1 to ignore keys host-local does not know");
    }
  }
  return ip;
}

/**
 * Turns the validated stdin config (+ CNI_ARGS) into ranges, routes and the
 * requested addresses, with Go host-local's defaults and ordering
 * (runtimeConfig.ipRanges, then legacy subnet, then ranges). Throws code 7 naming the key.
 */
export function normaliseConfig(conf: HostLocalConfig, cniArgs: ReadonlyArray<readonly [string, string]> = []): IpamConfig {
  const name = conf.name;
  if (!VALID_NAME.test(name)) bad("name", `invalid network name ${JSON.stringify(name)}`);
  const ipam = conf.ipam;
  const dataDir = validateDataDir(ipam.dataDir === undefined || ipam.dataDir === "" ? DEFAULT_DATA_DIR : ipam.dataDir);
  const cniVersion = conf.cniVersion ?? "";

  const requestedIPs: IPAddr[] = [];
  const fromEnv = ipFromCniArgs(cniArgs);
  if (fromEnv) requestedIPs.push(fromEnv);
  conf.args?.cni?.ips?.forEach((s, i) => requestedIPs.push(requestedIPAt(`args.cni.ips[${i}]`, s)));
  conf.runtimeConfig?.ips?.forEach((s, i) => requestedIPs.push(requestedIPAt(`runtimeConfig.ips[${i}]`, s)));

  const sources: Array<[RangeInput[], string]> = [];
  conf.runtimeConfig?.ipRanges?.forEach((set, i) => sources.push([set, `runtimeConfig.ipRanges[${i}]`]));
  const legacyKeys = ["rangeStart", "rangeEnd", "gateway"] as const;
  if (ipam.subnet !== undefined && ipam.subnet !== "") {
    sources.push([[{ subnet: ipam.subnet, rangeStart: ipam.rangeStart, rangeEnd: ipam.rangeEnd, gateway: ipam.gateway }], "ipam"]);
  } else {
    for (const k of legacyKeys) if (ipam[k]) bad(`ipam.${k}`, "given without ipam.subnet");
  }
  ipam.ranges?.forEach((set, i) => sources.push([set, `ipam.ranges[${i}]`]));
  if (sources.length === 0) bad("ipam", "no IP ranges specified (set ipam.ranges or ipam.subnet)");

  const ranges = sources.map(([set, path]) => (path === "ipam" ? [normaliseRange(set[0]!, "ipam")] : normaliseRangeSet(set, path)));
  const paths = sources.map(([, p]) => p);

  const perFamily = { 4: 0, 6: 0 };
  for (const set of ranges) perFamily[set[0]!.start.family]++;
  if ((perFamily[4] > 1 || perFamily[6] > 1) && (cniVersion === "" || cniVersion === "0.1.0" || cniVersion === "0.2.0"))
    bad("cniVersion", `CNI version ${cniVersion || "0.1.0"} does not support more than 1 address per family`);

  for (let i = 0; i < ranges.length; i++)
    for (let j = i + 1; j < ranges.length; j++)
      for (const a of ranges[i]!)
        for (const b of ranges[j]!) if (overlaps(a, b)) bad(paths[j]!, `range set overlaps with ${paths[i]} (${rangeString(a)} and ${rangeString(b)})`);

  const routes = ipam.routes ?? [];
  routes.forEach((r, i) => {
    if (!parseCIDR(r.dst)) bad(`ipam.routes[${i}].dst`, `invalid CIDR ${JSON.stringify(r.dst)}`);
    if (r.gw !== undefined && r.gw !== "" && !parseIP(r.gw)) bad(`ipam.routes[${i}].gw`, `invalid IP address ${JSON.stringify(r.gw)}`);
  });

  const resolvConf = ipam.resolvConf === undefined || ipam.resolvConf === "" ? undefined : ipam.resolvConf;
  return { name, cniVersion, dir: join(dataDir, name), ranges, routes, resolvConf, requestedIPs };
}
