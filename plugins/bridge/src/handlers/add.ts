import { readFileSync } from "node:fs";
import { CniError, ErrorCode, cidrVersion, toCurrentResult, type Result } from "@tscni/types";
import { CURRENT_NETNS, checkIfName, deleteLink, openNetns, setSysctls, setupMacSpoofCheck, teardownMacSpoofCheck } from "@tscni/net";
import { mark } from "@tscni/skel";
import { startDelegate, type Delegation } from "@tscni/invoke";
import { attachmentAlias } from "../alias.js";
import { randomMac } from "../bridge-link.js";
import { checkAddRules, type BridgeConf } from "../config.js";
import { configureContainer, containerPlan, setContainerSysctls, upContainer, type ContainerPlan } from "../container-iface.js";
import { confOf, instanceOf, ipamEnv, type BridgeContext } from "../context.js";
import { applyGateways, networkOf, subnetsFromIpam, type SubnetInfo } from "../gateways.js";
import { createHostVeth, setupPortVlans } from "../host-veth.js";
import { BridgeMissing, type HostSide } from "../veth-request.js";
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

/**
 * ADD: after INIT (or a first lazy ADD) the shared state is recorded, so the hot path is
 * the veth, its container sysctls, IPAM, then the container end's addresses and routes;
 * no lock, no firewall exec. Standalone build with our host-local: no exec at all (netlink,
 * setns and IPAM in this process). Node bundle: IPAM exec || (one host `ip -batch`, then
 * one sysctl exec in the container), then the container's `ip -batch` (started early, fed
 * when IPAM answers). Anything that fails undoes what was done.
 */
export async function add(ctx: BridgeContext): Promise<Result> {
  mark("add handler");
  const conf = confOf(ctx);
  checkAddRules(conf);
  const ifname = checkIfName(ctx.ifname);
  const ns = await openNetns(ctx.netns);
  const key = instanceOf(ctx);
  let rec = readyInstance(conf, key) ?? (await lazySetup(conf, key));

  const undo: Array<() => Promise<unknown>> = [];
  // The container end's round trip starts now (an `ip -batch` exec, where there is one) and
  // takes its operations once IPAM has answered; dropped when ADD fails first.
  let givePlan!: (p: ContainerPlan) => void;
  let dropPlan!: (e: Error) => void;
  const plan = new Promise<ContainerPlan>((res, rej) => ((givePlan = res), (dropPlan = rej)));
  plan.catch(() => {}); // a dropped plan is no error of its own
  let containerDone: Promise<void> | undefined;
  try {
    const mac = conf.mac ?? randomMac();
    const veth = { ifname, peer: ns, mac, alias: attachmentAlias(conf.name, ctx.containerId, ifname), mtu: conf.mtu };
    const hostSide = async (): Promise<HostSide> => {
      try {
        return await createHostVeth(conf, veth);
      } catch (e) {
        if (!(e instanceof BridgeMissing)) throw e;
        // Deleted behind our back since it was recorded: set it up again, once.
        rec = await withStateLock(conf.stateDir, () => setupNetwork(conf, key, { repair: true }));
        return createHostVeth(conf, veth);
      }
    };
    const layer3 = conf.ipamType !== "";
    const spoofId = `${ctx.containerId}-${ifname}`;
    // IPv6 keys are needed when IPAM will hand out IPv6; the config's subnets tell us before
    // it answers (a v6 address they did not predict costs one more exec below).
    const v6Predicted = subnetsFromIpam(conf.ipam).some((s) => s.family === 6);
    // The host side first (netlink, or an `ip -batch` exec); what needs only the veth (port
    // VLANs, spoof check, container sysctls) follows it.
    const hostP = hostSide();
    const portP = settleAll([
      hostP.then(({ host }) =>
        settleAll([setupPortVlans(conf, host.name), conf.macspoofchk ? setupMacSpoofCheck(CURRENT_NETNS, { port: host.name, mac, id: spoofId }) : undefined]),
      ),
      // written once the veth exists (an exec without netlink: it starts now, keys later)
      layer3 ? setContainerSysctls(ns, conf, ifname, v6Predicted, hostP) : undefined,
    ]);
    if (layer3) {
      containerDone = configureContainer(ns, ifname, plan);
      containerDone.catch(() => {}); // awaited below, or dropped with the ADD
    }
    // Then IPAM: the exec the early hook started before the modules loaded (early.ts), or
    // our host-local in-process, which is synchronous work on this thread, hence after the
    // spawns. While they run, build and exercise the result schemas (built on first use).
    const ipam = layer3 ? ipamAdd(ctx, conf.ipamType) : undefined;
    if (ipam) undo.push(() => ipam.release());
    const ipamP = ipam ? ipam.claim() : Promise.resolve(undefined);
    if (layer3) warmResultParsing();
    ipamP.then(() => mark("IPAM answered"), () => {});
    portP.then(() => mark("veth and container sysctls done"), () => {});
    const [ipamR, hostR, portR] = await Promise.allSettled([ipamP, hostP, portP]);
    if (hostR.status === "fulfilled") {
      undo.push(() => deleteLink(CURRENT_NETNS, hostR.value.host.name));
      if (conf.macspoofchk) undo.push(() => teardownMacSpoofCheck(CURRENT_NETNS, spoofId));
    }
    if (hostR.status === "rejected") throw hostR.reason;
    if (portR.status === "rejected") throw portR.reason;
    if (ipamR.status === "rejected") throw ipamR.reason;
    const { host, bridge } = hostR.value;
    mark("ipam+host done");

    const result: Result = {
      cniVersion: "1.1.0",
      interfaces: [
        { name: bridge.name, mac: bridge.mac ?? "" },
        { name: host.name, mac: host.mac ?? "" },
        { name: ifname, mac, sandbox: ctx.netns },
      ],
    };
    if (layer3) {
      const ipam = toCurrentResult(ipamR.value);
      if (!ipam.ips?.length) throw new CniError(ErrorCode.Internal, "IPAM plugin returned missing IP config");
      result.ips = ipam.ips;
      if (ipam.routes) result.routes = ipam.routes;
      if (ipam.dns) result.dns = ipam.dns;
      const gws = applyGateways(result, conf);
      if (!v6Predicted && result.ips.some((i) => cidrVersion(i.address) === "6")) await setContainerSysctls(ns, conf, ifname, true);
      givePlan(containerPlan(conf, ifname, result));
      await containerDone;
      await coverShared(conf, key, rec, gws, result);
    } else if (!conf.disableContainerInterface) {
      await upContainer(ns, ifname);
    }
    mark("add done");
    if (conf.dns && (conf.dns.nameservers || conf.dns.search || conf.dns.options || conf.dns.domain)) result.dns = conf.dns;
    return result;
  } catch (e) {
    dropPlan(new Error("ADD failed before the container end was configured"));
    await containerDone?.catch(() => {});
    for (const u of undo.reverse()) await u().catch((err) => ctx.log.warn(`undo after failed ADD: ${String(err)}`));
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
