import { CURRENT_NETNS, deleteLink, listLinks } from "@tscni/net";
import { isOurs } from "./alias.js";
import { removeGatewayAddrs } from "./gateway-addrs.js";
import { applyNetworkMasq, gatewaysHeldByOthers } from "./instance-claims.js";
import { readBridge, readNetwork, removeBridge, writeBridge, writeNetwork } from "./records.js";

/**
 * Drop one instance's claims (call under the state lock): its share of the network's
 * masquerade, the gateway addresses no other instance holds, and, when no other instance
 * of the network uses its bridge, the network's claim on the bridge. The bridge itself goes
 * only when we created it, no network claims it any more and no port we did not make is
 * attached (docs/lifecycle.md). An unknown instance is fine (DEINIT is idempotent).
 */
export async function releaseInstance(dir: string, name: string, key: string): Promise<void> {
  const before = readNetwork(dir, name);
  const inst = before?.instances[key];
  if (!before || !inst) return;
  const after = { instances: { ...before.instances } };
  delete after.instances[key];
  await applyNetworkMasq(name, before, after, false);
  const br = readBridge(dir, inst.bridge) ?? { created: false, claims: [] };
  const held = gatewaysHeldByOthers(dir, br, inst.gatewayDev, name, key);
  await removeGatewayAddrs(inst.gatewayDev, inst.gateways.filter((g) => !held.includes(g)));
  if (!Object.values(after.instances).some((i) => i.bridge === inst.bridge)) await releaseBridge(dir, name, inst.bridge);
  writeNetwork(dir, name, after);
}

async function releaseBridge(dir: string, name: string, bridge: string): Promise<void> {
  const br = readBridge(dir, bridge) ?? { created: false, claims: [] };
  br.claims = br.claims.filter((n) => n !== name);
  if (br.claims.length > 0) return writeBridge(dir, bridge, br);
  const ports = await listLinks(CURRENT_NETNS, { master: bridge });
  const foreign = ports.filter((p) => !isOurs(p.alias));
  if (foreign.length === 0) {
    // Our leftovers (VLAN gateway ends, stale container ports) go first: deleting a
    // bridge only detaches its ports.
    for (const p of ports) await deleteLink(CURRENT_NETNS, p.name);
    if (br.created) await deleteLink(CURRENT_NETNS, bridge);
  }
  if (br.created && foreign.length > 0) writeBridge(dir, bridge, br); // still ours to delete later
  else removeBridge(dir, bridge);
}
