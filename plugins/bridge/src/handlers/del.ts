import { CURRENT_NETNS, deleteContainerMasq, ExecError, NetnsError, openNetns, runIn } from "@tscni/net";
import { delegateDel } from "@tscni/ipam";
import { confOf, ipamEnv, type BridgeContext } from "../context.js";
import { readNetwork } from "../records.js";
import { teardownSpoofCheck } from "../spoofcheck.js";
import { mark } from "../trace.js";

/** Delete the container end (the host end goes with it); gone netns or link = done. */
async function deleteContainerLink(netns: string, ifname: string): Promise<void> {
  try {
    const ns = await openNetns(netns);
    await runIn(ns, ["ip", "link", "del", "dev", ifname]);
  } catch (e) {
    if (e instanceof NetnsError && e.reason === "missing") return;
    if (e instanceof ExecError && (e.failure === "not-found" || /Cannot find device/.test(e.stderr))) return;
    throw e;
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
  // on the kernel (~10-40 ms here), which the IPAM exec overlaps.
  const linkDel = ctx.netns === "" ? Promise.resolve() : deleteContainerLink(ctx.netns, ctx.ifname);
  const ipamDel = layer3 ? delegateDel(conf.ipamType, ctx.stdin, ipamEnv(ctx)) : Promise.resolve();
  const [a, b] = await Promise.allSettled([linkDel, ipamDel]);
  mark("del done");
  if (a.status === "rejected") throw a.reason;
  if (b.status === "rejected") throw b.reason;
  if (conf.macspoofchk) await teardownSpoofCheck(`${ctx.containerId}-${ctx.ifname}`);
  if (layer3 && conf.ipMasq && !readNetwork(conf.stateDir, conf.name)?.masq) {
    await deleteContainerMasq(CURRENT_NETNS, { network: conf.name, containerId: ctx.containerId, ifname: ctx.ifname });
  }
}
