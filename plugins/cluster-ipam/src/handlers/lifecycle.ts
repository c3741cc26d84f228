import { ensurePool, Releaser } from "@tscni/cluster-pool";
import { withPool, type ClusterContext } from "./context.js";

/** INIT (docs/lifecycle.md): creates the pool's definition in etcd, or checks this config against it (code 7 naming both). */
export function init(ctx: ClusterContext): Promise<void> {
  return withPool(
    ctx,
    async ({ conf, etcd }) => {
      if (await ensurePool(etcd, conf.pool)) ctx.log.info(`created pool ${conf.pool.network}`);
    },
    false,
  );
}

/** DEINIT: this node's blocks that hold no address go back to the pool; the pool itself stays (other nodes use it). */
export function deinit(ctx: ClusterContext): Promise<void> {
  return withPool(
    ctx,
    async ({ conf, etcd }) => {
      const { released } = await new Releaser(etcd, conf.pool).releaseEmptyBlocks(conf.pool.node);
      if (released.length > 0) ctx.log.info(`released blocks ${released.join(", ")}`);
    },
    false,
  );
}
