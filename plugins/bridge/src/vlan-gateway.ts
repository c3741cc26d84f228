import { CURRENT_NETNS, getLink, portVlanCmds, randomVethName, runBatch, type Link } from "@tscni/net";
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
  const set = ["link", "set", "dev", port, "master", conf.bridge, "alias", vlanGatewayAlias(conf.bridge, conf.vlan), "up"];
  const add = ["link", "add", "name", port];
  if (conf.mtu) add.push("mtu", String(conf.mtu));
  add.push("type", "veth", "peer", "name", name);
  if (conf.mtu) add.push("mtu", String(conf.mtu));
  await runBatch(CURRENT_NETNS, "ip", [add, set, ["link", "set", "dev", name, "up"]]);
  await runBatch(CURRENT_NETNS, "bridge", portVlanCmds(port, { removeDefault: !conf.preserveDefaultVlan, pvid: conf.vlan }));
  return (await getLink(CURRENT_NETNS, name))!;
}
