import { CURRENT_NETNS, detectMasqBackend, deleteNetworkMasq, ensureNetworkMasq, getLink, setSysctls } from "@tscni/net";
import type { BridgeConf } from "./config.js";
import { ensureBridgeLink } from "./bridge-link.js";
import { ensureGatewayAddrs, removeGatewayAddrs } from "./gateway-addrs.js";
import { subnetsFromIpam, type SubnetInfo } from "./gateways.js";
import { readBridge, readNetwork, writeBridge, writeNetwork, type NetworkRecord } from "./records.js";
import { releaseNetwork } from "./release-network.js";
import { setupKey } from "./setup-key.js";
import { ensureVlanGateway, vlanGatewayName } from "./vlan-gateway.js";

export interface SetupOptions {
  /** INIT: re-apply everything (repairs drift). A lazy ADD only adds what is missing. */
  repair: boolean;
  /** Gateways learnt from an IPAM result (when the config does not name the subnet). */
  extraGateways?: readonly SubnetInfo[];
  /** Subnets learnt from an IPAM result, to masquerade. */
  extraSubnets?: readonly string[];
}

const union = (a: readonly string[], b: readonly string[]) => [...new Set([...a, ...b])];
const sameSet = (a: readonly string[], b: readonly string[]) => a.length === b.length && a.every((x) => b.includes(x));

/**
 * Bring the network's shared resources to `conf` and record them (call under the state
 * lock): bridge created or adopted and claimed, gateway addresses, forwarding sysctls,
 * one per-network masquerade rule set. A changed config converges: what the old record
 * has and the new config does not want is released.
 */
export async function setupNetwork(conf: BridgeConf, o: SetupOptions): Promise<NetworkRecord> {
  const dir = conf.stateDir;
  let old = readNetwork(dir, conf.name);
  // The masquerade is per network, not per bridge: it survives a bridge change.
  const oldMasq = old?.masq;
  if (old && old.bridge !== conf.bridge) {
    await releaseNetwork(dir, conf.name, { keepMasq: true });
    old = undefined;
  }
  const sameSetup = old?.setupKey === setupKey(conf);

  // Write-ahead, so a kill -9 at any later instruction leaves records that DEINIT can
  // release: first the network (with no setupKey, so the next ADD redoes the setup),
  // then the bridge's claim and whether the bridge existed before we touched it.
  writeNetwork(dir, conf.name, { ...(old ?? { gateways: [], gatewayDev: conf.bridge }), bridge: conf.bridge, setupKey: "", ...(oldMasq ? { masq: oldMasq } : {}) });
  let brRec = readBridge(dir, conf.bridge);
  if (!brRec) brRec = { created: (await getLink(CURRENT_NETNS, conf.bridge)) === undefined, claims: [] };
  if (!brRec.claims.includes(conf.name)) brRec.claims.push(conf.name);
  writeBridge(dir, conf.bridge, brRec);

  const { created, link } = await ensureBridgeLink(conf);
  if (created && !brRec.created) {
    brRec.created = true;
    writeBridge(dir, conf.bridge, brRec);
  }

  // Gateways: from the config's subnets, plus any an ADD learnt (kept while the setup is unchanged).
  const fromConfig = subnetsFromIpam(conf.ipam);
  const wanted: SubnetInfo[] = conf.isGateway ? [...fromConfig, ...(o.extraGateways ?? [])] : [];
  let gateways = wanted.map((g) => g.gateway);
  if (sameSetup && old && (!o.repair || fromConfig.length === 0)) gateways = union(old.gateways, gateways);
  const gatewayDev = conf.isGateway && conf.vlan !== 0 ? vlanGatewayName(conf) : conf.bridge;
  let devMac = link.address;
  if (gateways.length && conf.vlan !== 0) devMac = (await ensureVlanGateway(conf)).address;
  const others = brRec.claims.filter((n) => n !== conf.name).flatMap((n) => readNetwork(dir, n)?.gateways ?? []);
  const stale = (old?.gateways ?? []).filter((g) => !gateways.includes(g));
  const backend = conf.ipMasq ? await detectMasqBackend(CURRENT_NETNS, conf.ipMasqBackend) : undefined;
  // Write-ahead again: every gateway and the masquerade backend we may be about to touch.
  writeNetwork(dir, conf.name, {
    bridge: conf.bridge,
    setupKey: "",
    gateways: union(old?.gateways ?? [], gateways),
    gatewayDev,
    ...(backend ? { masq: { backend, subnets: [], fromResults: [] } } : oldMasq ? { masq: oldMasq } : {}),
  });
  await ensureGatewayAddrs(gatewayDev, gateways, { force: conf.forceAddress, ownedBefore: old?.gateways ?? [], sharedWith: others, mac: devMac });
  if (stale.length && old) {
    await removeGatewayAddrs(old.gatewayDev, stale.filter((g) => !others.includes(g)));
  }
  const fams = new Set(gateways.map((g) => (g.includes(":") ? 6 : 4)));
  const sys: Record<string, string> = {};
  if (fams.has(4)) sys["net/ipv4/ip_forward"] = "1";
  if (fams.has(6)) sys["net/ipv6/conf/all/forwarding"] = "1";
  await setSysctls(CURRENT_NETNS, sys, { ignoreMissing: true });

  const rec: NetworkRecord = { bridge: conf.bridge, setupKey: setupKey(conf), gateways, gatewayDev };
  if (backend) {
    const configured = fromConfig.map((s) => s.subnet);
    // Subnets only an ADD told us about stay while the config names none of its own.
    const keepLearnt = configured.length === 0 && oldMasq?.backend === backend ? oldMasq.fromResults : [];
    const fromResults = union(keepLearnt, (o.extraSubnets ?? []).filter((s) => !configured.includes(s)));
    const subnets = union(configured, fromResults);
    if (oldMasq && oldMasq.backend !== backend) await deleteNetworkMasq(CURRENT_NETNS, conf.name, oldMasq.backend);
    const unchanged = oldMasq?.backend === backend && sameSet(oldMasq.subnets, subnets);
    if (o.repair || !unchanged) {
      if (subnets.length) await ensureNetworkMasq(CURRENT_NETNS, { network: conf.name, subnets }, backend);
      else await deleteNetworkMasq(CURRENT_NETNS, conf.name, backend);
    }
    rec.masq = { backend, subnets, fromResults };
  } else if (oldMasq) {
    await deleteNetworkMasq(CURRENT_NETNS, conf.name, oldMasq.backend);
  }
  writeNetwork(dir, conf.name, rec);
  return rec;
}
