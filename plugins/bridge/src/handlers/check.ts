import { CniError, ErrorCode, containerInterface } from "@tscni/types";
import { ifNameProblem } from "@tscni/types/names";
import { apply, CURRENT_NETNS, checkIfName, expectAddresses, expectRoutes, openNetns, type Addr, type Link, type RouteEntry } from "@tscni/net";
import { delegate } from "@tscni/invoke";
import { confOf, ipamEnv, type BridgeContext } from "../context.js";

const fail = (msg: string) => new CniError(ErrorCode.Internal, msg);

/** CHECK: the reference's checks — bridge, container veth, its host peer on the bridge, addresses, routes. */
export async function check(ctx: BridgeContext): Promise<void> {
  const conf = confOf(ctx);
  const ns = await openNetns(ctx.netns);
  if (conf.ipamType !== "") await delegate("CHECK", conf.ipamType, ctx.stdin, ipamEnv(ctx));
  const prev = ctx.prevResult;
  if (!prev) throw new CniError(ErrorCode.InvalidConfig, "Required prevResult missing");
  const ifs = prev.interfaces ?? [];
  const brIf = ifs.find((i) => i.name === conf.bridge);
  const mine = containerInterface(prev, ctx.ifname, ctx.netns);
  if (!brIf) throw fail(`CNI created bridge ${conf.bridge} in host namespace was not found`);
  if (!mine) throw fail(`Sandbox in prevResult doesn't match configured netns: ${ctx.netns}`);
  const contIf = mine.iface;

  // One round trip per side: the bridge and the result's other host interfaces (the veth's
  // host end among them); the container end, its addresses and routes.
  const hostIfs = ifs.filter((i) => i !== brIf && i !== contIf && !i.sandbox && !ifNameProblem(i.name));
  const [br, ...hostLinks] = (await apply(CURRENT_NETNS, [{ op: "getLink", name: conf.bridge }, ...hostIfs.map((i) => ({ op: "getLink", name: i.name }) as const)])) as Array<Link | undefined>;
  if (!br) throw fail(`Interface name ${conf.bridge} not found`);
  if (br.kind !== "bridge") throw fail(`Interface ${conf.bridge} does not have link type of bridge`);
  if (brIf.mac && brIf.mac !== br.mac) throw fail(`Bridge interface ${conf.bridge} Mac doesn't match: ${brIf.mac}`);
  if (br.promisc !== conf.promiscMode) {
    throw fail(`Bridge interface ${conf.bridge} configured Promisc Mode ${conf.promiscMode} doesn't match current state`);
  }

  const routes = prev.routes ?? [];
  const ifname = checkIfName(ctx.ifname);
  const [cont, addrs, have] = (await apply(ns, [
    { op: "getLink", name: ifname },
    { op: "listAddrs", dev: ifname },
    ...(routes.length ? [{ op: "listRoutes" } as const] : []),
  ])) as [Link | undefined, Addr[], RouteEntry[] | undefined];
  if (!cont) throw fail(`Interface name ${ctx.ifname} not found`);
  if (cont.kind !== "veth") throw fail(`Error: Container interface ${ctx.ifname} not of type veth`);
  if (contIf.mac && contIf.mac !== cont.mac) throw fail(`Interface ${ctx.ifname} Mac ${contIf.mac} doesn't match container Mac: ${cont.mac}`);

  const peer = hostIfs
    .map((i, k) => ({ i, l: hostLinks[k] }))
    .find(({ l }) => l?.kind === "veth" && l.index === cont.peerIndex && l.peerIndex === cont.index && l.master === conf.bridge);
  if (!peer) throw fail(`CNI veth created for bridge ${conf.bridge} was not found`);
  if (peer.i.mac && peer.i.mac !== peer.l!.mac) throw fail(`Interface ${peer.i.name} Mac doesn't match: ${peer.i.mac} not found`);

  // Addresses given no interface are checked here too, as before.
  expectAddresses(addrs, [...mine.ips, ...(prev.ips ?? []).filter((ipc) => ipc.interface === undefined)], ctx.ifname);
  expectRoutes(have ?? [], routes);
}
