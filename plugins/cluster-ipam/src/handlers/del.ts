import { Releaser } from "@tscni/cluster-pool";
import { withPool, type ClusterContext } from "./context.js";

/** DEL: the attachment's handle and addresses; nothing to release is success. */
export function del(ctx: ClusterContext): Promise<void> {
  return withPool(
    ctx,
    async ({ conf, etcd }) => {
      const released = await new Releaser(etcd, conf.pool).releaseAttachment(ctx.containerId, ctx.ifname);
      if (released.length > 0) ctx.log.debug(`released ${released.join(", ")}`);
    },
    false,
  );
}
