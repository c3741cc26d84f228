import { apply, CURRENT_NETNS, getLink, randomVethName, type Link } from "@tscni/net";
import type { BridgeConf } from "./config.js";
import { vlanGatewayAlias } from "./alias.js";

export const vlanGatewayName = (conf: BridgeConf): string => `${conf.bridge}.${conf.vlan}`;

/**
 * Go's ensureVlanInterface: the gateway of a VLAN network lives on a veth named
 * BRIDGE.VLAN in the host netns, whose other end is an access port of that VLAN.
 */
export async function ensureVlanGateway(conf: BridgeConf): Promise<Link> {
  const name = vlanGatewayName(conf);
  const have = await getLink(CURRENT_NETNS, name);
  if (have) return have;
  const port = randomVethName();
  const [, , gw] = await apply(CURRENT_NETNS, [
    { op: "createVeth", name: port, peerName: name, peerNetns: CURRENT_NETNS, mtu: conf.mtu, master: conf.bridge, alias: vlanGatewayAlias(conf.bridge, conf.vlan), up: true },
    { op: "setLink", name, up: true },
    { op: "getLink", name },
    { op: "setPortVlans", name: port, removeDefault: !conf.preserveDefaultVlan, pvid: conf.vlan },
  ] as const);
  return gw!;
}
