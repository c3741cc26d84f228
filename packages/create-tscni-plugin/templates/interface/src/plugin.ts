import type { Context, Plugin } from "@tscni/skel";
import { CniError, containerInterface, ErrorCode, toCurrentResult, type Result } from "@tscni/types";
import { delegate, delegateLifecycle, ipamType, type DelegateOptions } from "@tscni/invoke";
import { apply, checkInterfaceIPs, checkRoutes, CURRENT_NETNS, deleteLink, getLink, listLinks, NetnsError, openNetns, type NetOp } from "@tscni/net";
import { configSchema, type Config } from "./config.js";

type Ctx = Context<Config>;

/** The host end's alias: how DEL finds it when the container's netns is already gone. */
const aliasOf = (ctx: Ctx) => `${ctx.config.name}/${ctx.containerId}/${ctx.ifname}`;
/** IPAM runs with our environment, and its stderr goes to ours. */
const ipamOpts = (ctx: Ctx): DelegateOptions => ({ env: ctx.env as NodeJS.ProcessEnv, onStderr: ctx.stderr });
/** A host route to one container address: "10.7.0.2/24" -> "10.7.0.2/32". */
const hostRoute = (cidr: string) => `${cidr.split("/")[0]}/${cidr.includes(":") ? 128 : 32}`;

/**
 * ADD: a veth with its container end in the netns, an address from IPAM on it, the
 * container's routes, and a host route to each address through the host end. What fails
 * undoes what was done before it.
 */
async function add(ctx: Ctx): Promise<Result> {
  const ns = await openNetns(ctx.netns);
  const type = ipamType(ctx.config);
  const [host] = await apply(CURRENT_NETNS, [
    { op: "createVeth", peerName: ctx.ifname, peerNetns: ns, mtu: ctx.config.mtu, alias: aliasOf(ctx), up: true },
  ] as const);
  try {
    const ipam = toCurrentResult(await delegate("ADD", type, ctx.stdin, ipamOpts(ctx)));
    try {
      const ips = ipam.ips ?? [];
      if (ips.length === 0) throw new CniError(ErrorCode.Internal, `IPAM plugin ${type} returned no address`);
      const gateway = (family: "4" | "6") => ips.find((ip) => ip.address.includes(":") === (family === "6"))?.gateway;
      const routes = (ipam.routes ?? []).map((r): NetOp => ({ op: "addRoute", dst: r.dst, via: r.gw ?? gateway(r.dst.includes(":") ? "6" : "4"), dev: ctx.ifname }));
      const [container] = await apply(ns, [
        { op: "getLink", name: ctx.ifname },
        ...ips.map((ip): NetOp => ({ op: "addAddr", dev: ctx.ifname, cidr: ip.address, nodad: ip.address.includes(":") })),
        { op: "setLink", name: ctx.ifname, up: true },
        ...routes,
      ] as const);
      await apply(CURRENT_NETNS, ips.map((ip): NetOp => ({ op: "addRoute", dst: hostRoute(ip.address), dev: host.name })));
      return {
        cniVersion: "1.1.0",
        interfaces: [
          { name: host.name, mac: host.mac ?? "" },
          { name: ctx.ifname, mac: container?.mac ?? "", sandbox: ctx.netns },
        ],
        ips: ips.map((ip) => ({ ...ip, interface: 1 })),
        ...(ipam.routes ? { routes: ipam.routes } : {}),
        ...(ipam.dns ? { dns: ipam.dns } : {}),
      };
    } catch (e) {
      await delegate("DEL", type, ctx.stdin, ipamOpts(ctx)).catch((err) => ctx.log.warn(`releasing the address after a failed ADD: ${String(err)}`));
      throw e;
    }
  } catch (e) {
    await deleteLink(CURRENT_NETNS, host.name).catch((err) => ctx.log.warn(`deleting ${host.name} after a failed ADD: ${String(err)}`));
    throw e;
  }
}

/** DEL: the veth (both ends go together), then the address. Idempotent: what is gone is done. */
async function del(ctx: Ctx): Promise<void> {
  if (ctx.netns !== "") {
    try {
      await deleteLink(await openNetns(ctx.netns), ctx.ifname);
    } catch (e) {
      if (!(e instanceof NetnsError)) throw e;
      // The netns is gone, and the host end lingers until the kernel has torn it down.
      for (const link of await listLinks(CURRENT_NETNS, { kind: "veth" })) if (link.alias === aliasOf(ctx)) await deleteLink(CURRENT_NETNS, link.name);
    }
  }
  await delegate("DEL", ipamType(ctx.config), ctx.stdin, ipamOpts(ctx));
}

/** CHECK: IPAM's own check, then the container end, its addresses and routes as prevResult says. */
async function check(ctx: Ctx): Promise<void> {
  const prev = ctx.prevResult;
  if (!prev) throw new CniError(ErrorCode.InvalidConfig, "CHECK needs prevResult");
  await delegate("CHECK", ipamType(ctx.config), ctx.stdin, ipamOpts(ctx));
  const mine = containerInterface(prev, ctx.ifname, ctx.netns);
  if (!mine) throw new CniError(ErrorCode.Internal, `prevResult has no interface ${ctx.ifname} in ${ctx.netns}`);
  const ns = await openNetns(ctx.netns);
  if (!(await getLink(ns, ctx.ifname))) throw new CniError(ErrorCode.Internal, `interface ${ctx.ifname} not found in ${ctx.netns}`);
  await checkInterfaceIPs(ns, ctx.ifname, mine.ips);
  await checkRoutes(ns, prev.routes ?? []);
}

export const plugin: Plugin<typeof configSchema> = {
  about: "{{type}} CNI plugin (interface)",
  versions: ["0.4.0", "1.0.0", "1.1.0"],
  config: configSchema,
  add,
  del,
  check,
  // STATUS and GC: IPAM's answer is ours (an IPAM plugin older than CNI 1.1 is not asked).
  status: (ctx) => delegateLifecycle("STATUS", ipamType(ctx.config), ctx.stdin, ipamOpts(ctx)),
  gc: (ctx) => delegateLifecycle("GC", ipamType(ctx.config), ctx.stdin, ipamOpts(ctx)),
};
