import type { Context, Plugin } from "@tscni/skel";
import { CniError, ErrorCode, type Result } from "@tscni/types";
import { NetnsError, getLink, isFailure, openNetns, setLink } from "@tscni/net";
import { setMtuConfigSchema, type SetMtuConfig } from "./config.js";

type Ctx = Context<SetMtuConfig>;

/** A chained plugin: sets the MTU of the interface an earlier plugin made. */
async function add(ctx: Ctx): Promise<Result> {
  if (!ctx.prevResult) throw new CniError(ErrorCode.InvalidConfig, "set-mtu must be chained after a plugin that creates the interface");
  const ns = await openNetns(ctx.netns);
  try {
    await setLink(ns, ctx.ifname, { mtu: ctx.config.mtu });
  } catch (e) {
    // The kernel's "no such device" is the config's fault here: say so, keep the details.
    if (isFailure(e, "not-found")) throw new CniError(ErrorCode.InvalidConfig, `no interface ${ctx.ifname} in ${ctx.netns}`, (e as CniError).details);
    throw e;
  }
  const interfaces = (ctx.prevResult.interfaces ?? []).map((i) =>
    i.name === ctx.ifname && i.sandbox === ctx.netns ? { ...i, mtu: ctx.config.mtu } : i,
  );
  return { ...ctx.prevResult, interfaces };
}

/** Nothing to undo: the interface goes away with the plugin that made it. */
function del(): void {}

async function check(ctx: Ctx): Promise<void> {
  let link;
  try {
    link = await getLink(await openNetns(ctx.netns), ctx.ifname);
  } catch (e) {
    if (e instanceof NetnsError) throw new CniError(ErrorCode.InvalidConfig, e.message, e.details);
    throw e;
  }
  if (link?.mtu !== ctx.config.mtu) throw new CniError(ErrorCode.InvalidConfig, `${ctx.ifname} has mtu ${link?.mtu}, want ${ctx.config.mtu}`);
}

export const setMtuPlugin: Plugin<typeof setMtuConfigSchema> = {
  about: "set-mtu example plugin",
  versions: ["0.4.0", "1.0.0", "1.1.0"],
  config: setMtuConfigSchema,
  add,
  del,
  check,
};
