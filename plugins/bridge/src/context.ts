import type { Context } from "@tscni/skel";
import { instanceKey } from "@tscni/types";
import type { DelegateOptions } from "@tscni/invoke";
import type { BridgeConfigInput } from "./schema.js";
import { loadConf, type BridgeConf } from "./config.js";
import { EMBEDDED_IPAM } from "./embedded-ipam.js";

export type BridgeContext = Context<BridgeConfigInput>;

export const confOf = (ctx: BridgeContext): BridgeConf => loadConf(ctx.config, ctx.cniArgs, ctx.env);

/** Which instance of the network's config this call is about: its claims are recorded under it. */
export const instanceOf = (ctx: BridgeContext): string => instanceKey(ctx.config as Record<string, unknown>);

/** Options for delegating to IPAM: the caller's environment, the delegate's stderr to ours; host-local may run in-process. */
export const ipamOpts = (env: Record<string, string | undefined>, onStderr: (text: string) => void): DelegateOptions => ({
  env: env as NodeJS.ProcessEnv,
  embedded: EMBEDDED_IPAM,
  onStderr,
});
export const ipamEnv = (ctx: BridgeContext) => ipamOpts(ctx.env, ctx.stderr);
