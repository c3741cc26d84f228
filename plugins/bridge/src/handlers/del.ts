import { mark } from "@tscni/skel";
import { CURRENT_NETNS, deleteContainerMasq, deleteLink, listLinks, NetnsError, openNetns, teardownMacSpoofCheck } from "@tscni/net";
import { attachmentAlias } from "../alias.js";
import type { BridgeConf } from "../config.js";
import { delegateDel } from "@tscni/invoke";
import { confOf, ipamEnv, type BridgeContext } from "../context.js";
import { readNetwork } from "../records.js";
import { hasNetworkMasq } from "../instance-claims.js";

/**
 * Delete the container end (the host end goes with it); a gone link is done. When the
 * netns is gone, the host end goes only once the kernel has torn the netns down (later,
 * or never while something still holds it open): delete it ourselves, found by its alias.
 */
async function deleteContainerLink(conf: BridgeConf, netns: string, containerId: string, ifname: string, early?: Promise<boolean>): Promise<void> {
  // The deletion the early hook started: deleted, or nothing to delete. Any other outcome
  // (netns gone meanwhile, ip failing) takes the normal path.
  if (early && (await early.then(() => true, () => false))) return;
  try {
    await deleteLink(await openNetns(netns), ifname); // false: already gone
  } catch (e) {
    if (e instanceof NetnsError && e.reason === "missing") return deleteHostEnd(conf, containerId, ifname);
    throw e;
  }
}

async function deleteHostEnd(conf: BridgeConf, containerId: string, ifname: string): Promise<void> {
  const alias = attachmentAlias(conf.name, containerId, ifname);
  const ports = await listLinks(CURRENT_NETNS, { master: conf.bridge }).catch(() => []);
  for (const p of ports) {
    if (p.alias === alias) await deleteLink(CURRENT_NETNS, p.name);
  }
}

/**
 * DEL: container link deletion and IPAM release run in parallel. Masquerade is per network (INIT),
 * so there are no per-container rules to remove, except ones a Go bridge or a pre-INIT
 * version left: those are cleaned when the network has no per-network rule set.
 */
export async function del(ctx: BridgeContext): Promise<void> {
  mark("del handler");
  const conf = confOf(ctx);
  const layer3 = conf.ipamType !== "";
  // Both execs start now (the netns check is two sync syscalls): the veth deletion waits
  // on the kernel, which the IPAM exec overlaps.
  const linkDel = ctx.netns === "" ? Promise.resolve() : deleteContainerLink(conf, ctx.netns, ctx.containerId, ctx.ifname, ctx.claimEarly()?.linkDel);
  const ipamDel = layer3 ? delegateDel(conf.ipamType, ctx.stdin, ipamEnv(ctx)) : Promise.resolve();
  const [a, b] = await Promise.allSettled([linkDel, ipamDel]);
  mark("del done");
  if (a.status === "rejected") throw a.reason;
  if (b.status === "rejected") throw b.reason;
  if (conf.macspoofchk) await teardownMacSpoofCheck(CURRENT_NETNS, `${ctx.containerId}-${ctx.ifname}`);
  if (layer3 && conf.ipMasq && !hasNetworkMasq(readNetwork(conf.stateDir, conf.name))) {
    await deleteContainerMasq(CURRENT_NETNS, { network: conf.name, containerId: ctx.containerId, ifname: ctx.ifname });
  }
}
