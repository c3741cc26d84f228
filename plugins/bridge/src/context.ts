import type { Context } from "@tscni/skel";
import type { BridgeConfigInput } from "./schema.js";
import { loadConf, type BridgeConf } from "./config.js";
import { EMBEDDED_IPAM } from "./embedded-ipam.js";

export type BridgeContext = Context<BridgeConfigInput>;

export const confOf = (ctx: BridgeContext): BridgeConf => loadConf(ctx.config, ctx.cniArgs, ctx.env);

/** Options for delegating to IPAM: the caller's environment; host-local may run in-process. */
export const ipamOpts = (env: Record<string, string | undefined>) => ({ env: env as NodeJS.ProcessEnv, embedded: EMBEDDED_IPAM });
export const ipamEnv = (ctx: BridgeContext) => ipamOpts(ctx.env);
