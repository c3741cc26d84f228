import { readFileSync } from "node:fs";
import { CniError, ErrorCode, cidrVersion, toCurrentResult, type Result } from "@tscni/types";
import { CURRENT_NETNS, checkIfName, deleteLink, openNetns, setSysctls, setupMacSpoofCheck, teardownMacSpoofCheck } from "@tscni/net";
import { mark } from "@tscni/skel";
import { startDelegate, type Delegation } from "@tscni/invoke";
import { attachmentAlias } from "../alias.js";
import { randomMac } from "../bridge-link.js";
import { checkAddRules, type BridgeConf } from "../config.js";
import { containerPlan, setContainerSysctls, startContainerEnd, upContainer, type PendingContainerEnd } from "../container-iface.js";
import { confOf, instanceOf, ipamEnv, type BridgeContext } from "../context.js";
import { applyGateways, networkOf, subnetsFromIpam, type SubnetInfo } from "../gateways.js";
import { createHostVeth, setupPortVlans } from "../host-veth.js";
import { BridgeMissing, type HostSide, type VethRequest } from "../veth-request.js";
import { UndoStack } from "../undo.js";
import { readNetwork, withStateLock, type InstanceRecord } from "../records.js";
import { setupNetwork } from "../setup-network.js";

/** Like Promise.all, but waits for every step before rethrowing the first failure (undo must not race them). */
async function settleAll(steps: Array<Promise<unknown> | undefined>): Promise<void> {
  for (const r of await Promise.allSettled(steps)) if (r.status === "rejected") throw r.reason;
}

/** The IPAM ADD the early hook started, or a new one (a run without the hook). add() owns it from here. */
const ipamAdd = (ctx: BridgeContext, type: string): Delegation<"ADD"> => ctx.claimEarly()?.ipam ?? startDelegate("ADD", type, ctx.stdin, ipamEnv(ctx));

function warmResultParsing(): void {
  toCurrentResult({ cniVersion: "1.1.0", ips: [{ address: "192.0.2.2/24", gateway: "192.0.2.1" }], routes: [{ dst: "0.0.0.0/0" }] });
}

/** This config instance's record, when INIT (or an earlier ADD) finished setting it up: no lock, no exec. */
function readyInstance(conf: BridgeConf, key: string): InstanceRecord | undefined {
  const inst = readNetwork(conf.stateDir, conf.name)?.instances[key];
  return inst?.ready && inst.bridge === conf.bridge ? inst : undefined;
}

const lazySetup = (conf: BridgeConf, key: string, extra: { gws?: SubnetInfo[]; subnets?: string[] } = {}) =>
  withStateLock(conf.stateDir, () => setupNetwork(conf, key, { repair: false, extraGateways: extra.gws ?? [], extraSubnets: extra.subnets ?? [] }));

/** The veth on the bridge; a bridge deleted behind our back since it was recorded is set up again, once. */
async function attachVeth(conf: BridgeConf, key: string, net: { rec: InstanceRecord }, veth: VethRequest): Promise<HostSide> {
  try {
    return await createHostVeth(conf, veth);
  } catch (e) {
    if (!(e instanceof BridgeMissing)) throw e;
    net.rec = await withStateLock(conf.stateDir, () => setupNetwork(conf, key, { repair: true }));
    return createHostVeth(conf, veth);
  }
}

/**
 * ADD: after INIT (or a first lazy ADD) the shared state is recorded, so the hot path is
 * the veth, its container sysctls, IPAM, then the container end's addresses and routes;
 * no lock, no firewall exec. The steps that do not depend on each other start together;
 * anything that fails undoes what was done. (How each step reaches the kernel, and which
 * run in this process, is @tscni/net's and @tscni/invoke's business: docs/architecture.md.)
 */
export async function add(ctx: BridgeContext): Promise<Result> {
  mark("add handler");
  const conf = confOf(ctx);
  checkAddRules(conf);
  const ifname = checkIfName(ctx.ifname);
  const ns = await openNetns(ctx.netns);
  const key = instanceOf(ctx);
  const net = { rec: readyInstance(conf, key) ?? (await lazySetup(conf, key)) };
  const layer3 = conf.ipamType !== "";
  const mac = conf.mac ?? randomMac();
  const spoofId = `${ctx.containerId}-${ifname}`;
  // IPv6 keys are needed when IPAM will hand out IPv6; the config's subnets tell us before it answers.
  const v6Predicted = subnetsFromIpam(conf.ipam).some((s) => s.family === 6);
  const undo = new UndoStack(ctx.log);
  let containerEnd: PendingContainerEnd | undefined;
  try {
    // 1. The veth on the bridge; then what needs only the veth: port VLANs, spoof check, the
    //    container end's sysctls. Meanwhile an address from IPAM (the delegation the early
    //    hook started, or our host-local in-process: synchronous, hence after the others start).
    const vethP = attachVeth(conf, key, net, { ifname, peer: ns, mac, alias: attachmentAlias(conf.name, ctx.containerId, ifname), mtu: conf.mtu });
    const portP = settleAll([
      vethP.then(({ host }) =>
        settleAll([setupPortVlans(conf, host.name), conf.macspoofchk ? setupMacSpoofCheck(CURRENT_NETNS, { port: host.name, mac, id: spoofId }) : undefined]),
      ),
      layer3 ? setContainerSysctls(ns, conf, ifname, v6Predicted, vethP) : undefined,
    ]);
    // The container end's round trip starts now and takes its operations once IPAM has answered.
    if (layer3) containerEnd = startContainerEnd(ns, ifname);
    const ipam = layer3 ? ipamAdd(ctx, conf.ipamType) : undefined;
    if (ipam) undo.push(() => ipam.release());
    const ipamP = ipam ? ipam.claim() : Promise.resolve(undefined);
    if (layer3) warmResultParsing();
    ipamP.then(() => mark("IPAM answered"), () => {});
    const [ipamR, vethR, portR] = await Promise.allSettled([ipamP, vethP, portP]);
    if (vethR.status === "fulfilled") {
      undo.push(() => deleteLink(CURRENT_NETNS, vethR.value.host.name));
      if (conf.macspoofchk) undo.push(() => teardownMacSpoofCheck(CURRENT_NETNS, spoofId));
    }
    for (const r of [vethR, portR, ipamR]) if (r.status === "rejected") throw r.reason;
    const { host, bridge } = (vethR as PromiseFulfilledResult<HostSide>).value;
    mark("ipam+host done");

    // 2. The result; with IPAM, the container end's addresses and routes, and the shared
    //    state (gateway addresses, masquerade, forwarding) this result needs.
    const result: Result = {
      cniVersion: "1.1.0",
      interfaces: [
        { name: bridge.name, mac: bridge.mac ?? "" },
        { name: host.name, mac: host.mac ?? "" },
        { name: ifname, mac, sandbox: ctx.netns },
      ],
    };
    if (containerEnd) {
      const answer = toCurrentResult((ipamR as PromiseFulfilledResult<unknown>).value);
      if (!answer.ips?.length) throw new CniError(ErrorCode.Internal, "IPAM plugin returned missing IP config");
      result.ips = answer.ips;
      if (answer.routes) result.routes = answer.routes;
      if (answer.dns) result.dns = answer.dns;
      const gws = applyGateways(result, conf);
      if (!v6Predicted && result.ips.some((i) => cidrVersion(i.address) === "6")) await setContainerSysctls(ns, conf, ifname, true);
      await containerEnd.configure(containerPlan(conf, ifname, result));
      await coverShared(conf, key, net.rec, gws, result);
    } else if (!conf.disableContainerInterface) {
      await upContainer(ns, ifname);
    }
    mark("add done");
    if (conf.dns && (conf.dns.nameservers || conf.dns.search || conf.dns.options || conf.dns.domain)) result.dns = conf.dns;
    return result;
  } catch (e) {
    await containerEnd?.abandon();
    await undo.run();
    throw e;
  }
}

/**
 * Gateway addresses and masquerade for what the IPAM result shows, when the record does
 * not already cover them (a subnet INIT could not know); plus forwarding, which costs a
 * file read when already on.
 */
async function coverShared(conf: BridgeConf, key: string, rec: InstanceRecord, gws: SubnetInfo[], result: Result): Promise<void> {
  const missingGws = gws.filter((g) => !rec.gateways.includes(g.gateway));
  const subnets = conf.ipMasq ? (result.ips ?? []).map((i) => networkOf(i.address)).filter((s): s is string => s !== undefined) : [];
  const missingSubnets = subnets.filter((s) => !rec.masq?.subnets.includes(s));
  if (missingGws.length || missingSubnets.length) {
    await lazySetup(conf, key, { gws: missingGws, subnets: missingSubnets });
  }
  const fams = new Set(gws.map((g) => g.family));
  const sys: Record<string, string> = {};
  if (fams.has(4) && readProc("net/ipv4/ip_forward") !== "1") sys["net/ipv4/ip_forward"] = "1";
  if (fams.has(6) && readProc("net/ipv6/conf/all/forwarding") !== "1") sys["net/ipv6/conf/all/forwarding"] = "1";
  await setSysctls(CURRENT_NETNS, sys, { ignoreMissing: true });
}

function readProc(key: string): string | undefined {
  try {
    return readFileSync(`/proc/sys/${key}`, "utf8").trim();
  } catch {
    return undefined;
  }
}
