import { CURRENT_NETNS, ensureBridge, setSysctls, type Link } from "@tscni/net";
import type { BridgeConf } from "./config.js";

/** Random locally administered unicast MAC: given at creation, it pins the bridge's MAC. */
export function randomMac(): string {
  const b = crypto.getRandomValues(new Uint8Array(6)); // Web Crypto: no node:crypto load at startup
  b[0] = (b[0]! & 0xfe) | 0x02;
  return Array.from(b, (x) => x.toString(16).padStart(2, "0")).join(":");
}

/**
 * Create or adopt the bridge (in our own netns, the host's), up, with promisc and
 * vlan_filtering as configured. A bridge we create gets an explicit MAC, so ports joining
 * later never change it (Go pins it the same way when it adds the gateway address).
 * Returns whether this call created it.
 */
export async function ensureBridgeLink(conf: BridgeConf): Promise<{ created: boolean; link: Link }> {
  const r = await ensureBridge(CURRENT_NETNS, { name: conf.bridge, mac: randomMac(), mtu: conf.mtu, vlanFiltering: conf.vlanFiltering, promisc: conf.promiscMode });
  // The bridge must not configure itself from router advertisements (Go does the same).
  await setSysctls(CURRENT_NETNS, { [`net/ipv6/conf/${conf.bridge}/accept_ra`]: "0" }, { ignoreMissing: true }).catch(() => {});
  return r;
}
