import type { Result } from "@tscni/types";
import { formatIP } from "@tscni/net/ip";
import { readResolvConf } from "../resolv-conf.js";
import { load, type HostLocalContext } from "./context.js";

/** ADD: one address per range set, plus the configured routes and DNS. */
export function add(ctx: HostLocalContext): Result {
  const { conf, allocator } = load(ctx, true);
  // Read resolv.conf first: a bad path must fail before anything is reserved.
  const dns = conf.resolvConf ? readResolvConf(conf.resolvConf) : undefined;
  const allocs = allocator.allocate(ctx.containerId, ctx.ifname, conf.requestedIPs);
  const result: Record<string, unknown> = {
    cniVersion: "1.1.0",
    ips: allocs.map((a) => ({ address: `${formatIP(a.ip)}/${a.range.subnet.prefix}`, gateway: formatIP(a.range.gateway) })),
  };
  if (conf.routes.length > 0) result.routes = conf.routes;
  if (dns && Object.keys(dns).length > 0) result.dns = dns;
  return result as Result;
}
