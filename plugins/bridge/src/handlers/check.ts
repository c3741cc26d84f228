import { CniError, ErrorCode, canonicalCIDR, formatCIDR, formatIP, parseCIDR, parseIP, type Interface } from "@tscni/types";
import { CURRENT_NETNS, checkIfName, runIn, listRoutes, openNetns, type Link, type RouteEntry } from "@tscni/net";
import { delegate } from "@tscni/invoke";
import { confOf, ipamEnv, type BridgeContext } from "../context.js";
import { ipJsonBatch } from "../ip-json-batch.js";

const fail = (msg: string) => new CniError(ErrorCode.Internal, msg);

interface AddrLink extends Link {
  addr_info?: Array<{ local: string; prefixlen: number }>;
}

const canon = (cidr: string) => {
  const c = parseCIDR(cidr);
  return c ? formatCIDR(c) : cidr;
};
/** `ip route` prints "default" and host routes without a prefix; compare canonical networks. */
function routeDst(r: RouteEntry, family: 4 | 6): string {
  if (r.dst === "default") return family === 4 ? "0.0.0.0/0" : "::/0";
  const c = parseCIDR(r.dst.includes("/") ? r.dst : `${r.dst}/${family === 4 ? 32 : 128}`);
  return c ? formatCIDR(canonicalCIDR(c)) : r.dst;
}
const canonIP = (s: string | undefined) => {
  const ip = s ? parseIP(s) : undefined;
  return ip ? formatIP(ip) : s;
};

/** CHECK: the reference's checks — bridge, container veth, its host peer on the bridge, addresses, routes. */
export async function check(ctx: BridgeContext): Promise<void> {
  const conf = confOf(ctx);
  const ns = await openNetns(ctx.netns);
  if (conf.ipamType !== "") await delegate("CHECK", conf.ipamType, ctx.stdin, ipamEnv(ctx));
  const prev = ctx.prevResult;
  if (!prev) throw new CniError(ErrorCode.InvalidConfig, "Required prevResult missing");
  const ifs = prev.interfaces ?? [];
  const brIf = ifs.find((i) => i.name === conf.bridge);
  const contIf = ifs.find((i) => i.name === ctx.ifname && i.sandbox === ctx.netns);
  if (!brIf) throw fail(`CNI created bridge ${conf.bridge} in host namespace was not found`);
  if (!contIf) throw fail(`Sandbox in prevResult doesn't match configured netns: ${ctx.netns}`);

  const [[hostLinks]] = [await ipJsonBatch(CURRENT_NETNS, [["link", "show"]], true)] as [unknown[][]];
  const links = (hostLinks ?? []) as Link[];
  const br = links.find((l) => l.ifname === conf.bridge);
  if (!br) throw fail(`Interface name ${conf.bridge} not found`);
  if (br.linkinfo?.info_kind !== "bridge") throw fail(`Interface ${conf.bridge} does not have link type of bridge`);
  if (brIf.mac && brIf.mac !== br.address) throw fail(`Bridge interface ${conf.bridge} Mac doesn't match: ${brIf.mac}`);
  if (br.flags.includes("PROMISC") !== conf.promiscMode) {
    throw fail(`Bridge interface ${conf.bridge} configured Promisc Mode ${conf.promiscMode} doesn't match current state`);
  }

  // One command gives link details and addresses (`addr show` after `link show` in one batch loses the addresses).
  const out = await runIn(ns, ["ip", "-json", "-details", "addr", "show", "dev", checkIfName(ctx.ifname)]).catch(() => {
    throw fail(`Interface name ${ctx.ifname} not found`);
  });
  const cont = (JSON.parse(out.stdout || "[]") as Array<AddrLink & { link_index?: number }>)[0];
  if (!cont) throw fail(`Interface name ${ctx.ifname} not found`);
  if (cont.linkinfo?.info_kind !== "veth") throw fail(`Error: Container interface ${ctx.ifname} not of type veth`);
  if (contIf.mac && contIf.mac !== cont.address) throw fail(`Interface ${ctx.ifname} Mac ${contIf.mac} doesn't match container Mac: ${cont.address}`);

  const peer = ifs
    .filter((i: Interface) => i !== brIf && i !== contIf && !i.sandbox)
    .map((i) => ({ i, l: links.find((l) => l.ifname === i.name) as (Link & { link_index?: number }) | undefined }))
    .find(({ l }) => l?.linkinfo?.info_kind === "veth" && l.ifindex === cont.link_index && l.link_index === cont.ifindex && l.master === conf.bridge);
  if (!peer) throw fail(`CNI veth created for bridge ${conf.bridge} was not found`);
  if (peer.i.mac && peer.i.mac !== peer.l!.address) throw fail(`Interface ${peer.i.name} Mac doesn't match: ${peer.i.mac} not found`);

  const have = cont.addr_info?.map((a) => canon(`${a.local}/${a.prefixlen}`)) ?? [];
  const contIdx = ifs.indexOf(contIf);
  for (const ipc of prev.ips ?? []) {
    if (ipc.interface !== undefined && ipc.interface !== contIdx) continue;
    if (!have.includes(canon(ipc.address))) throw fail(`Failed to match addr ${ipc.address} on interface ${ctx.ifname}`);
  }
  const routes = prev.routes ?? [];
  if (routes.length) {
    const [r4, r6] = await Promise.all([listRoutes(ns, { family: 4 }), listRoutes(ns, { family: 6 })]);
    for (const r of routes) {
      const c = parseCIDR(r.dst);
      const fam = c?.ip.family ?? 4;
      const dst = c ? formatCIDR(canonicalCIDR(c)) : r.dst;
      const found = (fam === 4 ? r4 : r6).some((x) => routeDst(x, fam) === dst && (r.gw === undefined || canonIP(x.gateway) === canonIP(r.gw)));
      if (!found) throw fail(`Failed to match route ${r.dst} via ${r.gw ?? "(none)"} in container`);
    }
  }
}
