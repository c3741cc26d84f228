import { CURRENT_NETNS, deleteLink, deleteNetworkMasq, listLinks } from "@tscni/net";
import { isOurs } from "./alias.js";
import { removeGatewayAddrs } from "./gateway-addrs.js";
import { readBridge, readNetwork, removeBridge, removeNetwork, writeBridge } from "./records.js";

/**
 * Drop a network's claims (call under the state lock): its masquerade rules, its gateway
 * addresses, its claim on the bridge. The bridge itself goes only when we created it, no
 * network claims it any more and no port we did not make is attached (LIFECYCLE.md).
 * Unknown networks are fine (DEINIT is idempotent).
 */
export async function releaseNetwork(dir: string, name: string, o: { keepMasq?: boolean } = {}): Promise<void> {
  const rec = readNetwork(dir, name);
  if (!rec) return;
  if (rec.masq && !o.keepMasq) await deleteNetworkMasq(CURRENT_NETNS, name, rec.masq.backend);
  const br = readBridge(dir, rec.bridge) ?? { created: false, claims: [] };
  br.claims = br.claims.filter((n) => n !== name);
  const others = br.claims.flatMap((n) => readNetwork(dir, n)?.gateways ?? []);
  await removeGatewayAddrs(rec.gatewayDev, rec.gateways.filter((g) => !others.includes(g)));
  if (br.claims.length === 0) {
    const ports = await listLinks(CURRENT_NETNS, { master: rec.bridge });
    const foreign = ports.filter((p) => !isOurs((p as { ifalias?: string }).ifalias));
    if (foreign.length === 0) {
      // Our leftovers (VLAN gateway ends, stale container ports) go first: deleting a
      // bridge only detaches its ports.
      for (const p of ports) await deleteLink(CURRENT_NETNS, p.ifname);
      if (br.created) await deleteLink(CURRENT_NETNS, rec.bridge);
    }
    if (br.created && foreign.length > 0) writeBridge(dir, rec.bridge, br); // still ours to delete later
    else removeBridge(dir, rec.bridge);
  } else {
    writeBridge(dir, rec.bridge, br);
  }
  removeNetwork(dir, name);
}
