import { CniError, ErrorCode } from "@tscni/types";
import { CURRENT_NETNS, getLink, isExecFailure, runBatch, setSysctls, type Link } from "@tscni/net";
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
 * Returns whether this call created it. Two execs when it exists, three when created.
 */
export async function ensureBridgeLink(conf: BridgeConf): Promise<{ created: boolean; link: Link }> {
  const ns = CURRENT_NETNS;
  let link = await getLink(ns, conf.bridge);
  let created = false;
  if (!link) {
    const add = ["link", "add", "name", conf.bridge, "address", randomMac()];
    if (conf.mtu) add.push("mtu", String(conf.mtu));
    add.push("type", "bridge");
    if (conf.vlanFiltering) add.push("vlan_filtering", "1");
    try {
      await runBatch(ns, "ip", [add]);
      created = true;
    } catch (e) {
      if (!isExecFailure(e, "exists")) throw e;
    }
    link = await getLink(ns, conf.bridge);
    if (!link) throw new CniError(ErrorCode.TryAgainLater, `bridge ${conf.bridge} vanished while being created`);
  }
  if (link.linkinfo?.info_kind !== "bridge") {
    throw new CniError(ErrorCode.InvalidConfig, `"${conf.bridge}" already exists but is not a bridge`);
  }
  const cmds: string[][] = [];
  if (conf.vlanFiltering && link.linkinfo.info_data?.["vlan_filtering"] !== 1) {
    cmds.push(["link", "set", "dev", conf.bridge, "type", "bridge", "vlan_filtering", "1"]);
  }
  const set = ["link", "set", "dev", conf.bridge];
  if (conf.promiscMode && !link.flags.includes("PROMISC")) set.push("promisc", "on");
  if (!link.flags.includes("UP")) set.push("up");
  if (set.length > 4) cmds.push(set);
  await runBatch(ns, "ip", cmds);
  // The bridge must not configure itself from router advertisements (Go does the same).
  await setSysctls(ns, { [`net/ipv6/conf/${conf.bridge}/accept_ra`]: "0" }, { ignoreMissing: true }).catch(() => {});
  return { created, link };
}
