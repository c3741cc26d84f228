import type { Context, Plugin } from "@tscni/skel";
import { CniError, containerInterface, ErrorCode, type Result } from "@tscni/types";
import { getLink, getSysctl, openNetns, setLink, setSysctls, type Netns } from "@tscni/net";
import { configSchema, type Config } from "./config.js";

type Ctx = Context<Config>;

/** The sysctl keys with the container's interface name in place of IFNAME. */
function sysctls(ctx: Ctx): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [key, value] of Object.entries(ctx.config.sysctl ?? {})) out[key.replaceAll(".", "/").replace("IFNAME", ctx.ifname)] = value;
  return out;
}

/** The interface the plugin before us made (its netns, its index in prevResult), or a config error saying what is missing. */
async function containerEnd(ctx: Ctx): Promise<{ ns: Netns; index: number }> {
  if (!ctx.prevResult) throw new CniError(ErrorCode.InvalidConfig, "{{type}} must run after a plugin that creates the interface (no prevResult)");
  const mine = containerInterface(ctx.prevResult, ctx.ifname, ctx.netns);
  if (!mine) throw new CniError(ErrorCode.InvalidConfig, `prevResult has no interface ${ctx.ifname} in ${ctx.netns}`);
  return { ns: await openNetns(ctx.netns), index: mine.index };
}

/** ADD: tune the container's interface and pass the result on, with what we changed. */
async function add(ctx: Ctx): Promise<Result> {
  const { ns, index } = await containerEnd(ctx);
  const { mtu } = ctx.config;
  if (mtu !== undefined) await setLink(ns, ctx.ifname, { mtu });
  await setSysctls(ns, sysctls(ctx));
  const prev = ctx.prevResult!;
  const interfaces = (prev.interfaces ?? []).map((i, k) => (k === index && mtu !== undefined ? { ...i, mtu } : i));
  return { ...prev, interfaces };
}

/** DEL: nothing to undo; the interface goes with the plugin that made it. */
function del(): void {}

/** CHECK: the interface still has what ADD set. */
async function check(ctx: Ctx): Promise<void> {
  const { ns } = await containerEnd(ctx);
  const link = await getLink(ns, ctx.ifname);
  if (!link) throw new CniError(ErrorCode.Internal, `interface ${ctx.ifname} not found in ${ctx.netns}`);
  if (ctx.config.mtu !== undefined && link.mtu !== ctx.config.mtu) throw new CniError(ErrorCode.Internal, `${ctx.ifname} has MTU ${link.mtu}, want ${ctx.config.mtu}`);
  for (const [key, want] of Object.entries(sysctls(ctx))) {
    const have = await getSysctl(ns, key);
    if (have !== want) throw new CniError(ErrorCode.Internal, `sysctl ${key} is ${have}, want ${want}`);
  }
}

/**
 * STATUS: can this network take ADDs now? A chained plugin that keeps no state of its own
 * is ready whenever it runs; one that depends on a service or a file would check it here and
 * throw CniError(ErrorCode.NotAvailable, ...) while it cannot.
 */
function status(): void {}

export const plugin: Plugin<typeof configSchema> = {
  about: "{{type}} CNI plugin (chained)",
  versions: ["0.4.0", "1.0.0", "1.1.0"],
  config: configSchema,
  add,
  del,
  check,
  status,
};
