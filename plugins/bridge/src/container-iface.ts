import type { Result } from "@tscni/types";
import { CniError, ErrorCode } from "@tscni/types";
import { ifSysctl, isV6, listAddrs, setSysctls, type Netns } from "@tscni/net";
import type { BridgeConf } from "./config.js";
import { BatchError, ipJsonBatch, type StartedBatch } from "./ip-json-batch.js";

/** Sysctls Go sets on the container interface before addressing it. */
export function containerSysctls(conf: BridgeConf, ifname: string, hasV6: boolean): Record<string, string> {
  const s: Record<string, string> = {};
  if (hasV6) {
    // Go enables IPv6 where it was disabled, and keeps addresses over a down/up.
    s[ifSysctl(6, "lo", "disable_ipv6")] = "0";
    s[ifSysctl(6, ifname, "disable_ipv6")] = "0";
    s[ifSysctl(6, ifname, "keep_addr_on_down")] = "1";
  }
  if (conf.enabledad) {
    s[ifSysctl(6, ifname, "enhanced_dad")] = "1";
    s[ifSysctl(6, ifname, "accept_dad")] = "1";
  } else {
    s[ifSysctl(6, ifname, "accept_dad")] = "0";
  }
  s[ifSysctl(4, ifname, "arp_notify")] = "1";
  return s;
}

function routeCmd(r: NonNullable<Result["routes"]>[number], ifname: string, gw4?: string, gw6?: string): string[] {
  const v6 = isV6(r.dst);
  const via = r.gw ?? (v6 ? gw6 : gw4);
  const a = ["route", "add", r.dst];
  if (via) a.push("via", via);
  a.push("dev", ifname);
  if (r.priority !== undefined) a.push("metric", String(r.priority));
  if (r.table !== undefined) a.push("table", String(r.table));
  if (r.scope !== undefined) a.push("scope", String(r.scope));
  return a;
}

/** Wait until no address of `ifname` is tentative (DAD running), as Go's SettleAddresses. */
async function settle(ns: Netns, ifname: string, timeoutMs: number): Promise<void> {
  const end = Date.now() + timeoutMs;
  for (;;) {
    const addrs = await listAddrs(ns, ifname, 6);
    const dad = addrs.find((a) => a.dadfailed);
    if (dad) throw new CniError(ErrorCode.Internal, `failed to settle addresses for "${ifname}": ${dad.cidr} failed duplicate address detection`);
    if (!addrs.some((a) => a.tentative && a.scope !== "link")) return;
    if (Date.now() > end) throw new CniError(ErrorCode.Internal, `failed to settle addresses for "${ifname}": timeout`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

/**
 * The container end's sysctls, in one exec. With `after` (the veth being created) the exec
 * starts at once and gets its keys when `after` resolves, so only the writes wait for the
 * link. `hasV6` adds the IPv6 enabling keys.
 */
export async function setContainerSysctls(ns: Netns, conf: BridgeConf, ifname: string, hasV6: boolean, after?: Promise<unknown>): Promise<void> {
  const keys = containerSysctls(conf, ifname, hasV6);
  await setSysctls(ns, after ? after.then(() => keys) : keys, { ignoreMissing: true });
}

/** The container end's `ip` commands: addresses, up, routes; routes wait for DAD when it runs. */
export interface ContainerPlan {
  cmds: string[][];
  /** With enabledad and an IPv6 gateway: routes go in after DAD settled (Go's SettleAddresses). */
  routesAfterDad?: string[][];
}

/**
 * Go's ipam.ConfigureIface as `ip` commands. Addresses go on before the link comes up, so
 * arp_notify announces them at NETDEV_UP. Without enabledad, IPv6 addresses skip DAD
 * (nodad), so routes through the gateway go in at once, in the same batch.
 */
export function containerPlan(conf: BridgeConf, ifname: string, result: Result): ContainerPlan {
  const ips = result.ips ?? [];
  let gw4: string | undefined;
  let gw6: string | undefined;
  const cmds: string[][] = [];
  for (const ipc of ips) {
    const a = ["addr", "add", ipc.address, "dev", ifname];
    if (isV6(ipc.address) && !conf.enabledad) a.push("nodad");
    cmds.push(a);
    if (ipc.gateway !== undefined) {
      if (isV6(ipc.gateway)) gw6 ??= ipc.gateway;
      else gw4 ??= ipc.gateway;
    }
  }
  cmds.push(["link", "set", "dev", ifname, "up"]);
  const routes = (result.routes ?? []).map((r) => routeCmd(r, ifname, gw4, gw6));
  if (conf.enabledad && gw6 !== undefined && routes.length) return { cmds, routesAfterDad: routes };
  return { cmds: [...cmds, ...routes] };
}

/**
 * Run a plan in one `ip -batch` exec (two, with a DAD wait between, for routesAfterDad).
 * `batch` is that exec, started before the plan was known (see startBatch).
 */
export async function configureContainer(ns: Netns, ifname: string, plan: ContainerPlan, batch: StartedBatch): Promise<void> {
  await routeErrorsAsConfig(plan.cmds, batch.send(plan.cmds));
  if (plan.routesAfterDad) {
    await settle(ns, ifname, 5000);
    await routeErrorsAsConfig(plan.routesAfterDad, ipJsonBatch(ns, plan.routesAfterDad));
  }
}

/**
 * A route the kernel refuses (e.g. a gateway that is not on-link) came from the IPAM
 * result or config, not from a fault of ours: code 7, with ip's own words.
 */
async function routeErrorsAsConfig(cmds: string[][], run: Promise<unknown>): Promise<void> {
  try {
    await run;
  } catch (e) {
    const cmd = e instanceof BatchError && e.index >= 0 ? cmds[e.index] : undefined;
    if (cmd?.[0] !== "route") throw e;
    const why = (e as BatchError).stderr.trim();
    throw new CniError(ErrorCode.InvalidConfig, `invalid IPAM result/config: ip ${cmd.join(" ")}: ${why}`, why || undefined);
  }
}

/** Layer 2 only: bring the container end up (nothing else to configure). */
export async function upContainer(ns: Netns, ifname: string): Promise<void> {
  await ipJsonBatch(ns, [["link", "set", "dev", ifname, "up"]]);
}
