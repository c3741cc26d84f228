import type { Result } from "@tscni/types";
import { CniError, ErrorCode } from "@tscni/types";
import { ifSysctl, isV6, listAddrs, NetlinkError, nlAddAddr, nlAddRoute, nlGetLink, nlSetUp, Rtnl, setSysctls, type Netns, type NlRoute } from "@tscni/net";
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

/** One step of configuring the container end. */
export type ContainerOp = { kind: "addr"; cidr: string; nodad: boolean } | { kind: "up" } | { kind: "route"; route: NlRoute };

/** The container end's steps: addresses, up, routes; routes wait for DAD when it runs. */
export interface ContainerPlan {
  ops: ContainerOp[];
  /** With enabledad and an IPv6 gateway: routes go in after DAD settled (Go's SettleAddresses). */
  routesAfterDad?: ContainerOp[];
}

/** The `ip` command of a step (the exec path's batch line, and every error message's words). */
export function ipArgs(op: ContainerOp, ifname: string): string[] {
  if (op.kind === "addr") return ["addr", "add", op.cidr, "dev", ifname, ...(op.nodad ? ["nodad"] : [])];
  if (op.kind === "up") return ["link", "set", "dev", ifname, "up"];
  const r = op.route;
  const a = ["route", "add", r.dst];
  if (r.via) a.push("via", r.via);
  a.push("dev", ifname);
  if (r.metric !== undefined) a.push("metric", String(r.metric));
  if (r.table !== undefined) a.push("table", String(r.table));
  if (r.scope !== undefined) a.push("scope", String(r.scope));
  return a;
}

/**
 * Go's ipam.ConfigureIface as steps. Addresses go on before the link comes up, so
 * arp_notify announces them at NETDEV_UP. Without enabledad, IPv6 addresses skip DAD
 * (nodad), so routes through the gateway go in at once, with the rest.
 */
export function containerPlan(conf: BridgeConf, result: Result): ContainerPlan {
  const ips = result.ips ?? [];
  let gw4: string | undefined;
  let gw6: string | undefined;
  const ops: ContainerOp[] = [];
  for (const ipc of ips) {
    ops.push({ kind: "addr", cidr: ipc.address, nodad: isV6(ipc.address) && !conf.enabledad });
    if (ipc.gateway !== undefined) {
      if (isV6(ipc.gateway)) gw6 ??= ipc.gateway;
      else gw4 ??= ipc.gateway;
    }
  }
  ops.push({ kind: "up" });
  const routes = (result.routes ?? []).map((r): ContainerOp => ({
    kind: "route",
    route: { dst: r.dst, via: r.gw ?? (isV6(r.dst) ? gw6 : gw4), metric: r.priority, table: r.table, scope: r.scope },
  }));
  if (conf.enabledad && gw6 !== undefined && routes.length) return { ops, routesAfterDad: routes };
  return { ops: [...ops, ...routes] };
}

/**
 * Run a plan: with `batch` (an `ip -batch` exec started before the plan was known, see
 * startBatch) through it, else (standalone build) as netlink requests from a socket
 * opened in the container netns. Routes after DAD wait for it in between.
 */
export async function configureContainer(ns: Netns, ifname: string, plan: ContainerPlan, batch: StartedBatch | undefined): Promise<void> {
  await runOps(ns, ifname, plan.ops, batch);
  if (plan.routesAfterDad) {
    await settle(ns, ifname, 5000);
    await runOps(ns, ifname, plan.routesAfterDad, undefined);
  }
}

async function runOps(ns: Netns, ifname: string, ops: ContainerOp[], batch: StartedBatch | undefined): Promise<void> {
  const s = batch ? undefined : await Rtnl.open(ns.path);
  if (!s) {
    const cmds = ops.map((o) => ipArgs(o, ifname));
    return routeErrorsAsConfig(cmds, batch ? batch.send(cmds) : ipJsonBatch(ns, cmds));
  }
  try {
    const link = nlGetLink(s, ifname);
    if (!link) throw new CniError(ErrorCode.Internal, `failed to find the container interface ${ifname}`);
    for (const op of ops) {
      const what = `ip ${ipArgs(op, ifname).join(" ")}`;
      if (op.kind === "addr") nlAddAddr(s, link.index, op.cidr, op.nodad);
      else if (op.kind === "up") nlSetUp(s, link.index, ifname);
      else {
        try {
          nlAddRoute(s, link.index, op.route, what);
        } catch (e) {
          if (!(e instanceof NetlinkError)) throw e;
          throw new CniError(ErrorCode.InvalidConfig, `invalid IPAM result/config: ${what}: ${e.why}`, e.why);
        }
      }
    }
  } finally {
    s.close();
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
  await runOps(ns, ifname, [{ kind: "up" }], undefined);
}
