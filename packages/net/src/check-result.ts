import { CniError, ErrorCode, type IPConfig, type Route } from "@tscni/types";
import { formatCIDR, formatIP, parseCIDR, parseIP } from "@tscni/types/ip";
import { networkOfCidr } from "./masq/names.js";
import { apply } from "./apply.js";
import type { Addr, RouteEntry } from "./model.js";
import type { Netns } from "./netns.js";

// CHECK's comparisons of a netns against a result, as Go's ip.ValidateExpectedInterfaceIPs
// and ip.ValidateExpectedRoute make them. The pure forms take what a plugin already read (one
// round trip for all its checks); the async forms read and throw.

const canonAddr = (cidr: string): string => {
  const c = parseCIDR(cidr);
  return c ? formatCIDR(c) : cidr;
};
const canonDst = (cidr: string): string => {
  const c = parseCIDR(cidr);
  return c ? networkOfCidr(c) : cidr;
};
const canonIP = (s: string | undefined): string | undefined => {
  const ip = s ? parseIP(s) : undefined;
  return ip ? formatIP(ip) : s;
};

const mismatch = (msg: string) => new CniError(ErrorCode.Internal, msg);

/** Every address of `want` is among `have` (one interface's addresses, already read); else code 999 naming the first missing one. */
export function expectAddresses(have: readonly Pick<Addr, "cidr">[], want: readonly Pick<IPConfig, "address">[], ifname: string): void {
  const cidrs = new Set(have.map((a) => canonAddr(a.cidr)));
  const missing = want.find((ip) => !cidrs.has(canonAddr(ip.address)));
  if (missing) throw mismatch(`Failed to match addr ${missing.address} on interface ${ifname}`);
}

/** Every route of `want` has a route of that destination (and gateway, when given) in `have`; else code 999 naming it. */
export function expectRoutes(have: readonly Pick<RouteEntry, "dst" | "via">[], want: readonly Pick<Route, "dst" | "gw">[]): void {
  const missing = want.find((r) => !have.some((x) => x.dst === canonDst(r.dst) && (r.gw === undefined || x.via === canonIP(r.gw))));
  if (missing) throw mismatch(`Failed to match route ${missing.dst} via ${missing.gw ?? "(none)"} in container`);
}

/** Read `ifname`'s addresses in `ns`, then expectAddresses. */
export async function checkInterfaceIPs(ns: Netns, ifname: string, ips: readonly Pick<IPConfig, "address">[]): Promise<void> {
  const [addrs] = await apply(ns, [{ op: "listAddrs", dev: ifname }] as const);
  expectAddresses(addrs, ips, ifname);
}

/** Read the routes of `ns`, then expectRoutes. */
export async function checkRoutes(ns: Netns, routes: readonly Pick<Route, "dst" | "gw">[]): Promise<void> {
  if (routes.length === 0) return;
  const [have] = await apply(ns, [{ op: "listRoutes" }] as const);
  expectRoutes(have, routes);
}
