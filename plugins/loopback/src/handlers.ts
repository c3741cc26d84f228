import type { Context } from "@tscni/skel";
import { CniError, ErrorCode, type Result } from "@tscni/types";
import { NetnsError, openNetns } from "@tscni/net";
import type { NetConf } from "@tscni/types";
import { readLo, setLo } from "./lo.js";

type Ctx = Context<NetConf>;

/** Brings lo up; in a chain the previous result passes through unchanged, as in Go. */
export async function add(ctx: Ctx): Promise<Result> {
  const ns = await openNetns(ctx.netns);
  const lo = await setLo(ns, true);
  if (ctx.prevResult) return ctx.prevResult;
  const ips: NonNullable<Result["ips"]> = [];
  if (lo.v4) ips.push({ interface: 0, address: lo.v4 });
  if (lo.v6) ips.push({ interface: 0, address: lo.v6 });
  return {
    cniVersion: "1.1.0",
    interfaces: [{ name: "lo", mac: "00:00:00:00:00:00", sandbox: ctx.netns }],
    ...(ips.length ? { ips } : {}),
  };
}

/** Sets lo down; a netns that is already gone is success (the runtime may retry DEL). */
export async function del(ctx: Ctx): Promise<void> {
  if (ctx.netns === "") return;
  try {
    await setLo(await openNetns(ctx.netns), false);
  } catch (e) {
    if (e instanceof NetnsError && e.reason === "missing") return;
    throw e;
  }
}

export async function check(ctx: Ctx): Promise<void> {
  const lo = await readLo(await openNetns(ctx.netns));
  if (!lo.up) throw new CniError(ErrorCode.Internal, "loopback interface is down");
}

/** loopback has no shared state: STATUS, GC, INIT and DEINIT have nothing to do. */
export function nothing(): void {}
