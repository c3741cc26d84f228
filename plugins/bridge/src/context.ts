import type { Context } from "@tscni/skel";
import type { BridgeConfigInput } from "./schema.js";
import { loadConf, type BridgeConf } from "./config.js";

export type BridgeContext = Context<BridgeConfigInput>;

export const confOf = (ctx: BridgeContext): BridgeConf => loadConf(ctx.config, ctx.cniArgs, ctx.env);

/** Options for delegating to IPAM with the caller's environment. */
export const ipamEnv = (ctx: BridgeContext) => ({ env: ctx.env as NodeJS.ProcessEnv });
