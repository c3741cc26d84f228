import type { Result } from "@tscni/types";
import { CniError, ErrorCode, cidrVersion, ipVersion } from "@tscni/types";
import { announceSysctls, apply, ifSysctl, listAddrs, NetError, setSysctls, type Netns, type NetOp, type Route } from "@tscni/net";
import type { BridgeConf } from "./config.js";

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
  // Go's announcement: no packet of its own, the kernel's arp_notify.
  return { ...s, ...announceSysctls(ifname) };
}

/** Wait until no address of `ifname` is tentative (DAD running), as Go's SettleAddresses. */
async function settle(ns: Netns, ifname: string, timeoutMs: number): Promise<void> {
  const end = Date.now() + timeoutMs;
  for (;;) {
    const addrs = await listAddrs(ns, { dev: ifname, family: 6 });
    const dad = addrs.find((a) => a.dadfailed);
    if (dad) throw new CniError(ErrorCode.Internal, `failed to settle addresses for "${ifname}": ${dad.cidr} failed duplicate address detection`);
    if (!addrs.some((a) => a.tentative && a.scope !== "link")) return;
    if (Date.now() > end) throw new CniError(ErrorCode.Internal, `failed to settle addresses for "${ifname}": timeout`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

/**
 * The container end's sysctls. With `after` (the veth being created) they are written once
 * it resolves (an exec into the netns, where there is one, starts at once). `hasV6` adds
 * the IPv6 enabling keys.
 */
export async function setContainerSysctls(ns: Netns, conf: BridgeConf, ifname: string, hasV6: boolean, after?: Promise<unknown>): Promise<void> {
  const keys = containerSysctls(conf, ifname, hasV6);
  await setSysctls(ns, after ? after.then(() => keys) : keys, { ignoreMissing: true });
}

/** The container end's steps: addresses, up, routes; routes wait for DAD when it runs. */
export interface ContainerPlan {
  ops: NetOp[];
  /** With enabledad and an IPv6 gateway: routes go in after DAD settled (Go's SettleAddresses). */
  routesAfterDad?: NetOp[];
}

const isV6 = (cidrOrIp: string) => (cidrVersion(cidrOrIp) ?? ipVersion(cidrOrIp)) === "6";

/**
 * Go's ipam.ConfigureIface as operations. Addresses go on before the link comes up, so
 * arp_notify announces them at NETDEV_UP. Without enabledad, IPv6 addresses skip DAD
 * (nodad), so routes through the gateway go in at once, with the rest.
 */
export function containerPlan(conf: BridgeConf, ifname: string, result: Result): ContainerPlan {
  const ips = result.ips ?? [];
  let gw4: string | undefined;
  let gw6: string | undefined;
  const ops: NetOp[] = [];
  for (const ipc of ips) {
    ops.push({ op: "addAddr", dev: ifname, cidr: ipc.address, nodad: isV6(ipc.address) && !conf.enabledad });
    if (ipc.gateway !== undefined) {
      if (isV6(ipc.gateway)) gw6 ??= ipc.gateway;
      else gw4 ??= ipc.gateway;
    }
  }
  ops.push({ op: "setLink", name: ifname, up: true });
  const routes = (result.routes ?? []).map((r): NetOp => {
    const route: Route = { dst: r.dst, via: r.gw ?? (isV6(r.dst) ? gw6 : gw4), dev: ifname, metric: r.priority, table: r.table, scope: r.scope };
    return { op: "addRoute", ...route };
  });
  if (conf.enabledad && gw6 !== undefined && routes.length) return { ops, routesAfterDad: routes };
  return { ops: [...ops, ...routes] };
}

/**
 * Run a plan in the container netns, one round trip (routes after DAD wait for it in
 * between). `plan` may still be being worked out (IPAM has not answered): the round trip
 * starts now and takes the operations when they are known.
 */
export async function configureContainer(ns: Netns, ifname: string, plan: ContainerPlan | Promise<ContainerPlan>): Promise<void> {
  await runOps(ns, plan instanceof Promise ? plan.then((x) => x.ops) : plan.ops);
  const later = (await plan).routesAfterDad;
  if (later) {
    await settle(ns, ifname, 5000);
    await runOps(ns, later);
  }
}

/**
 * A route the kernel refuses (a gateway that is not on-link, say) came from the IPAM
 * result or config, not from a fault of ours: code 7, with the kernel's words.
 */
async function runOps(ns: Netns, ops: NetOp[] | Promise<NetOp[]>): Promise<void> {
  const list = ops instanceof Promise ? ops : Promise.resolve(ops);
  try {
    await apply(ns, ops);
  } catch (e) {
    if (e instanceof NetError && (await list)[e.index]?.op === "addRoute") throw new CniError(ErrorCode.InvalidConfig, `invalid IPAM result/config: ${e.message}`, e.details);
    throw e;
  }
}

/** Layer 2 only: bring the container end up (nothing else to configure). */
export async function upContainer(ns: Netns, ifname: string): Promise<void> {
  await apply(ns, [{ op: "setLink", name: ifname, up: true }]);
}

/** The container end's round trip, started before IPAM has answered. */
export interface PendingContainerEnd {
  /** Hand it the plan; resolves when the container end is configured. */
  configure(plan: ContainerPlan): Promise<void>;
  /** ADD failed first: the round trip ends without touching the container. */
  abandon(): Promise<void>;
}

/** Start the container end's round trip now (an `ip -batch` exec, where there is one); its operations come later. */
export function startContainerEnd(ns: Netns, ifname: string): PendingContainerEnd {
  let give!: (p: ContainerPlan) => void;
  let drop!: (e: Error) => void;
  const plan = new Promise<ContainerPlan>((res, rej) => ((give = res), (drop = rej)));
  plan.catch(() => {}); // a dropped plan is no error of its own
  const done = configureContainer(ns, ifname, plan);
  done.catch(() => {}); // awaited by configure(), or dropped with the ADD
  return {
    configure(p) {
      give(p);
      return done;
    },
    async abandon() {
      drop(new Error("ADD failed before the container end was configured"));
      await done.catch(() => {});
    },
  };
}
