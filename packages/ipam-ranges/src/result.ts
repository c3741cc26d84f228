import type { Result } from "@tscni/types";
import { formatIP, type IPAddr } from "@tscni/types/ip";
import type { DnsConfig } from "./resolv-conf.js";
import type { Range } from "./range.js";
import type { RouteInput } from "./schema.js";

/** An IPAM ADD's result (1.1.0 shape): one address per allocation with its range's prefix and gateway, then routes and DNS. */
export function ipamResult(allocs: ReadonlyArray<{ ip: IPAddr; range: Range }>, routes: readonly RouteInput[], dns?: DnsConfig): Result {
  const result: Record<string, unknown> = {
    cniVersion: "1.1.0",
    ips: allocs.map((a) => ({ address: `${formatIP(a.ip)}/${a.range.subnet.prefix}`, gateway: formatIP(a.range.gateway) })),
  };
  if (routes.length > 0) result.routes = routes;
  if (dns && Object.keys(dns).length > 0) result.dns = dns;
  return result as Result;
}
