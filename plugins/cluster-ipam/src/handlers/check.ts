import { CniError, ErrorCode } from "@tscni/types";
import { firstUnheldAddress } from "@tscni/ipam-ranges";
import { handleId, parseHandle, PoolKeys } from "@tscni/cluster-pool";
import { withPool, type ClusterContext } from "./context.js";

/**
 * CHECK: the attachment holds addresses, each still recorded as its own, and every
 * prevResult address inside our ranges is one of them. Two etcd reads. Failures are code
 * 999, as host-local's: code 3 would tell the runtime there is nothing to clean up.
 */
export function check(ctx: ClusterContext): Promise<void> {
  return withPool(
    ctx,
    async ({ conf, etcd }) => {
      const keys = new PoolKeys(conf.pool);
      const id = handleId(conf.pool.node, ctx.containerId, ctx.ifname);
      const kv = await etcd.get(keys.handle(id));
      if (!kv) throw new CniError(ErrorCode.Internal, `cluster-ipam: failed to find address added by container ${ctx.containerId} (${ctx.ifname})`);
      const ips = parseHandle(kv.key, kv.value).ips;
      const t = await etcd.txn({ success: ips.map((a) => ({ type: "get" as const, key: keys.absolute(a.key) })) });
      ips.forEach((a, i) => {
        if (t.results[i]?.range?.kvs[0]?.value !== id)
          throw new CniError(ErrorCode.Internal, `cluster-ipam: ${a.ip} of ${ctx.containerId} (${ctx.ifname}) is not recorded as its own (${a.key})`);
      });
      const missing = firstUnheldAddress(ctx.prevResult?.ips ?? [], conf.ranges, new Set(ips.map((a) => a.ip)));
      if (missing !== undefined)
        throw new CniError(ErrorCode.Internal, `cluster-ipam: ${missing} from prevResult is not allocated to ${ctx.containerId} (${ctx.ifname})`);
    },
    false,
  );
}
