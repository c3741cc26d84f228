import { CniError, ErrorCode } from "@tscni/types";
import {
  bitsOf, cidrContains, formatCIDR, formatIP, hasHostBits, isV4Mapped, lastOf, networkOf, nextIP, parseCIDR, parseIP,
  prevIP, unmap, type CIDR, type IPAddr,
} from "@tscni/types/ip";
import type { RangeInput } from "./schema.js";

/** One allocatable range: addresses start..end of subnet (both inclusive). */
export interface Range {
  subnet: CIDR;
  start: IPAddr;
  end: IPAddr;
  gateway: IPAddr;
}

/** Ranges of one family; an ADD takes one address from each range set. */
export type RangeSet = Range[];

/** Code 7 naming the key: every config check in this package fails this way. */
export function bad(path: string, msg: string): never {
  throw new CniError(ErrorCode.InvalidConfig, `${path}: ${msg}`);
}

/** A v4-mapped literal means the v4 address, as in Go's canonicalizeIP. */
export function ipAt(path: string, s: string): IPAddr {
  const ip = parseIP(s);
  if (!ip) bad(path, `invalid IP address ${JSON.stringify(s)}`);
  return unmap(ip);
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

export function rangesOverlap(a: Range, b: Range): boolean {
  return a.start.family === b.start.family && a.start.value <= b.end.value && b.start.value <= a.end.value;
}

/** Addresses of a range that are never handed out: the gateway, the network address, the v4 broadcast. */
export function isReservedAddress(r: Range, ip: IPAddr): boolean {
  if (ip.value === r.gateway.value && ip.family === r.gateway.family) return true;
  if (ip.value === networkOf(r.subnet).value) return true;
  return ip.family === 4 && ip.value === lastOf(r.subnet).value;
}

/** How many addresses of the range can be handed out (start..end without the reserved ones). */
export function usableCount(r: Range): bigint {
  const special = new Set<bigint>();
  for (const v of [r.gateway, networkOf(r.subnet), lastOf(r.subnet)])
    if (rangeContains(r, v) && isReservedAddress(r, v)) special.add(v.value);
  return r.end.value - r.start.value + 1n - BigInt(special.size);
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

/** One range set: every range checked, one address family, no two ranges overlapping. */
export function normaliseRangeSet(inputs: RangeInput[], path: string): RangeSet {
  if (inputs.length === 0) bad(path, "empty range set");
  const set = inputs.map((r, i) => normaliseRange(r, `${path}[${i}]`));
  const fam = set[0]!.start.family;
  set.forEach((r, i) => {
    if (r.start.family !== fam) bad(`${path}[${i}]`, "mixed address families in one range set");
  });
  for (let i = 0; i < set.length; i++)
    for (let j = i + 1; j < set.length; j++)
      if (rangesOverlap(set[i]!, set[j]!)) bad(path, `ranges ${rangeString(set[i]!)} and ${rangeString(set[j]!)} overlap`);
  return set;
}
