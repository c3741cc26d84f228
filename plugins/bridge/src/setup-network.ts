import { CURRENT_NETNS, detectMasqBackend, getLink, setSysctls } from "@tscni/net";
import type { BridgeConf } from "./config.js";
import { ensureBridgeLink } from "./bridge-link.js";
import { ensureGatewayAddrs } from "./gateway-addrs.js";
import { subnetsFromIpam, type SubnetInfo } from "./gateways.js";
import { applyNetworkMasq, gatewaysHeldByOthers } from "./instance-claims.js";
import { readBridge, readNetwork, writeBridge, writeNetwork, type InstanceRecord, type NetworkRecord } from "./records.js";
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

/**
 * Bring the shared resources of the config instance `key` up and record them (call under
 * the state lock): bridge created or adopted and claimed, gateway addresses, forwarding
 * sysctls, the network's masquerade. Other instances of the network (older configs still
 * in use) keep everything they hold: a config change never releases here; the old
 * instance's DEINIT does (release-instance.ts).
 */
export async function setupNetwork(conf: BridgeConf, key: string, o: SetupOptions): Promise<InstanceRecord> {
  const dir = conf.stateDir;
  const before = readNetwork(dir, conf.name) ?? { instances: {} };
  const old = before.instances[key];
  const net: NetworkRecord = { instances: { ...before.instances } };

  // Write-ahead, so a kill -9 at any later instruction leaves records that DEINIT can
  // release: first the instance (not ready, so the next ADD redoes the setup), then the
  // bridge's claim and whether the bridge existed before we touched it.
  net.instances[key] = { ...(old ?? { gateways: [], gatewayDev: conf.bridge }), bridge: conf.bridge, ready: false };
  writeNetwork(dir, conf.name, net);
  let brRec = readBridge(dir, conf.bridge);
  if (!brRec) brRec = { created: (await getLink(CURRENT_NETNS, conf.bridge)) === undefined, claims: [] };
  if (!brRec.claims.includes(conf.name)) brRec.claims.push(conf.name);
  writeBridge(dir, conf.bridge, brRec);

  const { created, link } = await ensureBridgeLink(conf);
  if (created && !brRec.created) {
    brRec.created = true;
    writeBridge(dir, conf.bridge, brRec);
  }

  // Gateways: from the config's subnets, plus any an ADD learnt (an instance's config is
  // fixed, so its gateways only grow).
  const fromConfig = subnetsFromIpam(conf.ipam);
  const wanted = conf.isGateway ? [...fromConfig, ...(o.extraGateways ?? [])].map((g) => g.gateway) : [];
  const gateways = union(old?.gateways ?? [], wanted);
  const gatewayDev = conf.isGateway && conf.vlan !== 0 ? vlanGatewayName(conf) : conf.bridge;
  let devMac = link.mac;
  if (gateways.length && conf.vlan !== 0) devMac = (await ensureVlanGateway(conf)).mac;
  const backend = conf.ipMasq ? await detectMasqBackend(CURRENT_NETNS, conf.ipMasqBackend) : undefined;
  // Subnets only an ADD told us about stay while the config names none of its own.
  const configured = fromConfig.map((s) => s.subnet);
  const learnt = configured.length === 0 && old?.masq && old.masq.backend === backend ? old.masq.fromResults : [];
  const fromResults = union(learnt, (o.extraSubnets ?? []).filter((s) => !configured.includes(s)));
  const masq = backend ? { backend, subnets: union(configured, fromResults), fromResults } : undefined;
  // Write-ahead again: every gateway and the masquerade we may be about to touch.
  net.instances[key] = { bridge: conf.bridge, ready: false, gateways, gatewayDev, ...(masq ? { masq } : {}) };
  writeNetwork(dir, conf.name, net);

  const held = gatewaysHeldByOthers(dir, brRec, gatewayDev, conf.name, key);
  await ensureGatewayAddrs(gatewayDev, gateways, { force: conf.forceAddress, sharedWith: held, mac: devMac });
  const fams = new Set(gateways.map((g) => (g.includes(":") ? 6 : 4)));
  const sys: Record<string, string> = {};
  if (fams.has(4)) sys["net/ipv4/ip_forward"] = "1";
  if (fams.has(6)) sys["net/ipv6/conf/all/forwarding"] = "1";
  await setSysctls(CURRENT_NETNS, sys, { ignoreMissing: true });
  // An instance that was not ready may have been killed between recording and applying.
  await applyNetworkMasq(conf.name, before, net, o.repair || !old?.ready);

  const inst: InstanceRecord = { bridge: conf.bridge, ready: true, gateways, gatewayDev, ...(masq ? { masq } : {}) };
  net.instances[key] = inst;
  writeNetwork(dir, conf.name, net);
  return inst;
}
