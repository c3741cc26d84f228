import type { Context } from "@tscni/skel";
import { instanceKey } from "@tscni/types";
import type { DelegateOptions } from "@tscni/invoke";
import type { BridgeConfigInput } from "./schema.js";
import { loadConf, type BridgeConf } from "./config.js";
import type { BridgeEarly } from "./early.js";

export type BridgeContext = Context<BridgeConfigInput, BridgeEarly>;

export const confOf = (ctx: BridgeContext): BridgeConf => loadConf(ctx.config, ctx.cniArgs, ctx.env);

/** Which instance of the network's config this call is about: its claims are recorded under it. */
export const instanceOf = (ctx: BridgeContext): string => instanceKey(ctx.config as Record<string, unknown>);

/** Options for delegating to IPAM: the caller's environment, the delegate's stderr to ours. */
export const ipamEnv = (ctx: BridgeContext): DelegateOptions => ({ env: ctx.env as NodeJS.ProcessEnv, onStderr: ctx.stderr });
