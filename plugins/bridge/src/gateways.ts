import { canonicalCIDR, formatCIDR, formatIP, nextIP, parseCIDR, parseIP, type CIDR, type Result } from "@tscni/types";
import type { BridgeConf } from "./config.js";

export interface SubnetInfo {
  /** Canonical network, e.g. "10.1.0.0/24". */
  subnet: string;
  /** The gateway as a CIDR on the bridge, e.g. "10.1.0.1/24". */
  gateway: string;
  family: 4 | 6;
}

/** Go's calcGatewayIP: the first address after the network address. */
function defaultGateway(c: CIDR): string | undefined {
  const gw = nextIP(canonicalCIDR(c).ip);
  return gw ? formatIP(gw) : undefined;
}

function info(subnet: string | undefined, gateway: string | undefined): SubnetInfo | undefined {
  const c = subnet ? parseCIDR(subnet) : undefined;
  if (!c) return undefined;
  const given = gateway ? parseIP(gateway) : undefined;
  const gw = given ? formatIP(given) : defaultGateway(c);
  if (!gw) return undefined;
  return { subnet: formatCIDR(canonicalCIDR(c)), gateway: `${gw}/${c.prefix}`, family: c.ip.family };
}

/**
 * Subnets the IPAM config names (host-local's `subnet`/`ranges` keys, which Go host-local,
 * ours and most others share). Empty when they cannot be known before an ADD (e.g. dhcp).
 */
export function subnetsFromIpam(ipam: Record<string, unknown> | undefined): SubnetInfo[] {
  if (!ipam) return [];
  const out: SubnetInfo[] = [];
  const add = (s: SubnetInfo | undefined) => {
    if (s && !out.some((o) => o.subnet === s.subnet)) out.push(s);
  };
  const str = (v: unknown) => (typeof v === "string" ? v : undefined);
  add(info(str(ipam.subnet), str(ipam.gateway)));
  if (Array.isArray(ipam.ranges)) {
    for (const set of ipam.ranges) {
      if (!Array.isArray(set)) continue;
      for (const r of set) if (r && typeof r === "object") add(info(str(r.subnet), str(r.gateway)));
    }
  }
  return out;
}

/** Network of an address with prefix ("10.1.0.5/24" -> "10.1.0.0/24"). */
export function networkOf(address: string): string | undefined {
  const c = parseCIDR(address);
  return c ? formatCIDR(canonicalCIDR(c)) : undefined;
}

/**
 * Go's calcGateways, on the IPAM result in place: every IP points at the container
 * interface (index 2), gets a gateway when isGateway, a default route per family when
 * isDefaultGateway (unless IPAM gave one). Returns the gateway CIDRs for the bridge.
 */
export function applyGateways(result: Result, conf: BridgeConf): SubnetInfo[] {
  const gws: SubnetInfo[] = [];
  const defaultFound = { 4: false, 6: false };
  result.routes ??= [];
  for (const ipc of result.ips ?? []) {
    const c = parseCIDR(ipc.address);
    if (!c) continue;
    const fam = c.ip.family;
    ipc.interface = 2;
    if (ipc.gateway === undefined && conf.isGateway) ipc.gateway = defaultGateway(c);
    if (conf.isDefaultGateway && !defaultFound[fam]) {
      const dst = fam === 4 ? "0.0.0.0/0" : "::/0";
      if (!result.routes.some((r) => r.gw !== undefined && r.dst === dst)) {
        result.routes.push(ipc.gateway === undefined ? { dst } : { dst, gw: ipc.gateway });
      }
      defaultFound[fam] = true;
    }
    if (conf.isGateway && ipc.gateway !== undefined) {
      const gw = parseIP(ipc.gateway);
      if (gw) gws.push({ subnet: formatCIDR(canonicalCIDR(c)), gateway: `${formatIP(gw)}/${c.prefix}`, family: fam });
    }
  }
  if (result.routes.length === 0) delete result.routes;
  return gws;
}
