import type { Result } from "@tscni/types";
import { ipamResult, readResolvConf } from "@tscni/ipam-ranges";
import { Allocator } from "@tscni/cluster-pool";
import { withPool, type ClusterContext } from "./context.js";

/**
 * ADD: one address per range set from the cluster's pool. All of it is one etcd
 * transaction, so a failed ADD leaves nothing; one whose write etcd applied after we gave
 * up is found again by the retried ADD (same address, through the handle) or by GC.
 */
export function add(ctx: ClusterContext): Promise<Result> {
  return withPool(ctx, async ({ conf, etcd }) => {
    // Read resolv.conf first: a bad path must fail before anything is written.
    const dns = conf.resolvConf ? readResolvConf(conf.resolvConf) : undefined;
    const allocs = await new Allocator(etcd, conf.pool).allocate({ containerId: ctx.containerId, ifname: ctx.ifname }, conf.requestedIPs);
    return ipamResult(allocs, conf.routes, dns);
  });
}
