import { formatIP, parseCIDR, unmap } from "@tscni/types/ip";
import { rangeFor, type RangeSet } from "./range.js";

/**
 * CHECK's rule for prevResult: the first address that lies in one of our ranges but is not
 * among the attachment's `held` addresses (Go text form), or undefined when there is none.
 * Addresses outside every range belong to someone else and are not ours to judge.
 */
export function firstUnheldAddress(ips: ReadonlyArray<{ address: string }>, ranges: readonly RangeSet[], held: ReadonlySet<string>): string | undefined {
  for (const ipc of ips) {
    const c = parseCIDR(ipc.address);
    if (!c) continue;
    const ip = unmap(c.ip);
    if (!ranges.some((set) => rangeFor(set, ip))) continue;
    if (!held.has(formatIP(ip))) return formatIP(ip);
  }
  return undefined;
}
