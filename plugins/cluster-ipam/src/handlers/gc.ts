import { CniError, ErrorCode, VALID_ATTACHMENTS_KEY } from "@tscni/types";
import { handleId, Releaser } from "@tscni/cluster-pool";
import { withPool, type ClusterContext } from "./context.js";

/**
 * GC (CNI 1.1): releases this node's attachments that are not in
 * cni.dev/valid-attachments (and addresses naming a handle of this node that is gone).
 * Never another node's: their attachments are not in our list.
 */
export function gc(ctx: ClusterContext): Promise<void> {
  const valid = ctx.config[VALID_ATTACHMENTS_KEY];
  if (!valid) throw new CniError(ErrorCode.InvalidConfig, `${VALID_ATTACHMENTS_KEY}: missing; GC releases every attachment not listed there, so it needs the list`);
  return withPool(
    ctx,
    async ({ conf, etcd }) => {
      const keep = new Set(valid.map((a) => handleId(conf.pool.node, a.containerID, a.ifname)));
      const released = await new Releaser(etcd, conf.pool).collect(conf.pool.node, keep);
      if (released.length > 0) ctx.log.info(`gc released ${released.join(", ")}`);
    },
    false,
  );
}
