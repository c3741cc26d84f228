import { CniError, ErrorCode, loadCniArgs } from "@tscni/types";
import { formatIP, parseCIDR, parseIP, unmap, type IPAddr } from "@tscni/types/ip";
import { bad, ipAt, isReservedAddress, rangeFor, type Range, type RangeSet } from "./range.js";

/** "a.b.c.d" or "a.b.c.d/len" (the address part counts), like Go's ip.ParseIP. */
export function requestedIPAt(path: string, s: string): IPAddr {
  const slash = s.indexOf("/");
  if (slash < 0) return ipAt(path, s);
  const c = parseCIDR(s);
  if (!c) bad(path, `invalid IP address ${JSON.stringify(s)}`);
  return unmap(c.ip);
}

/** CNI_ARGS as Go's IPAMEnvArgs reads them: IP and IgnoreUnknown; other keys fail unless IgnoreUnknown is set. */
export function ipFromCniArgs(args: ReadonlyArray<readonly [string, string]>): IPAddr | undefined {
  return loadCniArgs(args, ["IP"], (get) => {
    const v = get("IP");
    if (v === undefined) return undefined;
    const c = v.includes("/") ? parseCIDR(v)?.ip : parseIP(v);
    if (!c) throw new CniError(ErrorCode.InvalidEnv, `CNI_ARGS IP: invalid IP address ${JSON.stringify(v)}`);
    return unmap(c);
  });
}

/**
 * Which requested address goes to which range set: the first set that contains it, as in
 * Go. Code 7 for an address no set contains.
 */
export function assignRequested(ranges: readonly RangeSet[], requested: readonly IPAddr[]): Array<IPAddr | undefined> {
  const left = requested.map(unmap);
  const wanted = ranges.map((set) => {
    const i = left.findIndex((ip) => rangeFor(set, ip) !== undefined);
    return i < 0 ? undefined : left.splice(i, 1)[0];
  });
  if (left.length > 0)
    throw new CniError(ErrorCode.InvalidConfig, `failed to allocate all requested IPs: ${left.map(formatIP).join(" ")}`, "no range set contains them");
  return wanted;
}

/** A requested address may not be the gateway, the network or the v4 broadcast address (code 7). */
export function checkRequestedAddress(range: Range, ip: IPAddr): void {
  const text = formatIP(ip);
  if (ip.value === range.gateway.value) throw new CniError(ErrorCode.InvalidConfig, `requested ip ${text} is subnet's gateway`);
  if (isReservedAddress(range, ip)) throw new CniError(ErrorCode.InvalidConfig, `requested ip ${text} is the network or broadcast address of its subnet`);
}
