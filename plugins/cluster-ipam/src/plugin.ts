import type { Plugin } from "@tscni/skel";
import { clusterConfigSchema } from "@tscni/cluster-pool/schema";
import type { ClusterContext } from "./handlers/context.js";

// Each verb loads its handler (and with it the etcd client and the pool logic) on first
// use: VERSION, the most frequent call, loads none of it. The executable's entry (main.ts)
// gives skel the about line.
const handlers = () => import("./handlers/index.js");

export const plugin: Plugin<typeof clusterConfigSchema> = {
  config: clusterConfigSchema,
  add: async (ctx: ClusterContext) => (await handlers()).add(ctx),
  del: async (ctx: ClusterContext) => (await handlers()).del(ctx),
  check: async (ctx: ClusterContext) => (await handlers()).check(ctx),
  status: async (ctx: ClusterContext) => (await handlers()).status(ctx),
  gc: async (ctx: ClusterContext) => (await handlers()).gc(ctx),
  init: async (ctx: ClusterContext) => (await handlers()).init(ctx),
  deinit: async (ctx: ClusterContext) => (await handlers()).deinit(ctx),
};
