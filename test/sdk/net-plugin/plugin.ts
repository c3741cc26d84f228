import * as z from "zod/mini";
import type { Context, Plugin } from "@tscni/skel";
import { netConfSchema } from "@tscni/types";
import { apply, openNetns, setSysctls, type NetOp } from "@tscni/net";

// A plugin whose ADD does whatever host operations its config names in CNI_NETNS: the same
// failures built standalone (netlink) and as a node bundle (iproute2) must answer alike.

const schema = z.extend(netConfSchema, {
  sysctls: z.optional(z.record(z.string(), z.union([z.string(), z.number()]))),
  ops: z.optional(z.array(z.looseObject({ op: z.string() }))),
});

async function add(ctx: Context<z.infer<typeof schema>>) {
  const ns = await openNetns(ctx.netns);
  if (ctx.config.sysctls) await setSysctls(ns, ctx.config.sysctls);
  const results = ctx.config.ops ? await apply(ns, ctx.config.ops as unknown as NetOp[]) : [];
  return { cniVersion: "1.1.0", interfaces: [], dns: { options: [JSON.stringify(results)] } };
}

export const netOpsPlugin: Plugin<typeof schema> = { about: "net-ops test plugin", config: schema, add, del: () => {} };
