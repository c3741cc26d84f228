import { CniError, ErrorCode } from "@tscni/types";
import { isEtcdError } from "@tscni/etcd";
import { checkAvailable } from "@tscni/cluster-pool";
import { withPool, type ClusterContext } from "./context.js";

/** STATUS: code 50 when etcd has no quorum (or cannot be reached) or a range set is full. */
export function status(ctx: ClusterContext): Promise<void> {
  return withPool(
    ctx,
    async ({ conf, etcd }) => {
      try {
        await checkAvailable(etcd, conf.pool);
      } catch (e) {
        if (isEtcdError(e) && e.kind === "unavailable") throw new CniError(ErrorCode.NotAvailable, `cluster-ipam: ${e.message}`, e.details);
        throw e;
      }
    },
    false,
  );
}
