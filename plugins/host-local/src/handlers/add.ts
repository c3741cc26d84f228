import type { Result } from "@tscni/types";
import { ipamResult, readResolvConf } from "@tscni/ipam-ranges";
import { load, type HostLocalContext } from "./context.js";

/** ADD: one address per range set, plus the configured routes and DNS. */
export function add(ctx: HostLocalContext): Result {
  const { conf, allocator } = load(ctx, true);
  // Read resolv.conf first: a bad path must fail before anything is reserved.
  const dns = conf.resolvConf ? readResolvConf(conf.resolvConf) : undefined;
  const allocs = allocator.allocate(ctx.containerId, ctx.ifname, conf.requestedIPs);
  return ipamResult(allocs, conf.routes, dns);
}
