import { bitsOf, maxOf, unmap, type IPAddr } from "./addr.js";
import { formatIP } from "./format.js";
import { parseIP } from "./parse.js";

/** An address with a prefix length; `ip` may have host bits set (as in "10.0.0.5/24"). */
export interface CIDR {
  readonly ip: IPAddr;
  readonly prefix: number;
}

/** Parses "addr/prefix" like Go's net.ParseCIDR (decimal prefix, no sign, no leading zeros). */
export function parseCIDR(s: string): CIDR | undefined {
  const slash = s.indexOf("/");
  if (slash < 0) return undefined;
  const ip = parseIP(s.slice(0, slash));
  if (!ip) return undefined;
  const p = s.slice(slash + 1);
  if (!/^(0|[1-9][0-9]{0,2})$/.test(p)) return undefined;
  const prefix = Number(p);
  if (prefix > bitsOf(ip.family)) return undefined;
  return { ip, prefix };
}

export function formatCIDR(c: CIDR): string {
  return `${formatIP(c.ip)}/${c.prefix}`;
}

/** The mask as an integer of the family's width. */
export function prefixMask(family: 4 | 6, prefix: number): bigint {
  const bits = BigInt(bitsOf(family));
  return maxOf(family) ^ ((1n << (bits - BigInt(prefix))) - 1n);
}

/** Dotted (v4) or RFC 5952 (v6) form of a prefix's mask, e.g. 255.255.255.0. */
export function maskString(family: 4 | 6, prefix: number): string {
  return formatIP({ family, value: prefixMask(family, prefix) });
}

/** First address of the prefix (host bits cleared). */
export function networkOf(c: CIDR): IPAddr {
  return { family: c.ip.family, value: c.ip.value & prefixMask(c.ip.family, c.prefix) };
}

/** Last address of the prefix (host bits set): the v4 broadcast address. */
export function lastOf(c: CIDR): IPAddr {
  const hostMask = maxOf(c.ip.family) ^ prefixMask(c.ip.family, c.prefix);
  return { family: c.ip.family, value: c.ip.value | hostMask };
}

/** Same as lastOf; named for readers who think in v4. */
export const broadcastOf = lastOf;

/** The CIDR with host bits cleared. */
export function canonicalCIDR(c: CIDR): CIDR {
  return { ip: networkOf(c), prefix: c.prefix };
}

export function hasHostBits(c: CIDR): boolean {
  return networkOf(c).value !== c.ip.value;
}

/** Number of addresses covered by the prefix. */
export function cidrSize(c: CIDR): bigint {
  return 1n << BigInt(bitsOf(c.ip.family) - c.prefix);
}

/** True when ip is inside c; a v4-mapped ip matches a v4 prefix, as in Go. */
export function cidrContains(c: CIDR, ip: IPAddr): boolean {
  const addr = c.ip.family === 4 ? unmap(ip) : ip;
  if (addr.family !== c.ip.family) return false;
  const m = prefixMask(c.ip.family, c.prefix);
  return (addr.value & m) === (c.ip.value & m);
}

/** True when the two prefixes share an address. */
export function cidrOverlaps(a: CIDR, b: CIDR): boolean {
  if (a.ip.family !== b.ip.family) return false;
  const p = Math.min(a.prefix, b.prefix);
  const m = prefixMask(a.ip.family, p);
  return (a.ip.value & m) === (b.ip.value & m);
}
