import { CniError, ErrorCode } from "@tscni/types";
import { ip, runBatch } from "./ipcmd.js";
import { isExecFailure } from "./exec.js";
import { checkIfName, checkInt, checkMac } from "./names.js";
import { getLink, linkSetArgs, type Link } from "./link.js";
import type { Netns } from "./netns.js";

export interface BridgeOptions {
  name: string;
  mtu?: number;
  mac?: string;
  vlanFiltering?: boolean;
  promisc?: boolean;
}

export function bridgeAddArgs(o: BridgeOptions): string[] {
  const a = ["link", "add", "name", checkIfName(o.name, "bridge name")];
  if (o.mtu !== undefined) a.push("mtu", checkInt(o.mtu, 68, 65535, "mtu"));
  if (o.mac !== undefined) a.push("address", checkMac(o.mac));
  a.push("type", "bridge");
  if (o.vlanFiltering) a.push("vlan_filtering", "1");
  return a;
}

/** Per-port flags of a bridge member (`ip link set dev P type bridge_slave ...`). */
export interface BridgePortFlags {
  hairpin?: boolean;
  isolated?: boolean;
  learning?: boolean;
}

export function bridgePortArgs(port: string, f: BridgePortFlags): string[] {
  const a = ["link", "set", "dev", checkIfName(port), "type", "bridge_slave"];
  const onOff = (b: boolean) => (b ? "on" : "off");
  if (f.hairpin !== undefined) a.push("hairpin", onOff(f.hairpin));
  if (f.isolated !== undefined) a.push("isolated", onOff(f.isolated));
  if (f.learning !== undefined) a.push("learning", onOff(f.learning));
  return a;
}

export async function setBridgePort(ns: Netns, port: string, f: BridgePortFlags): Promise<void> {
  await ip(ns, bridgePortArgs(port, f));
}

/**
 * Make sure bridge `o.name` exists, is up and has the requested settings; returns it as
 * read back. Existing non-bridge links with that name are an error (code 7), as in Go.
 * Races with a concurrent creator are fine: "exists" falls through to the update.
 */
export async function ensureBridge(ns: Netns, o: BridgeOptions): Promise<Link> {
  let br = await getLink(ns, o.name);
  if (!br) {
    try {
      await ip(ns, bridgeAddArgs(o));
    } catch (e) {
      if (!isExecFailure(e, "exists")) throw e;
    }
    br = await getLink(ns, o.name);
    if (!br) throw new CniError(ErrorCode.TryAgainLater, `bridge ${o.name} vanished while being created`);
  }
  if (br.linkinfo?.info_kind !== "bridge") {
    throw new CniError(ErrorCode.InvalidConfig, `${o.name} already exists but is not a bridge`);
  }
  const changes: Parameters<typeof linkSetArgs>[1] = {};
  if (o.mtu !== undefined && br.mtu !== o.mtu) changes.mtu = o.mtu;
  if (o.mac !== undefined && br.address !== o.mac.toLowerCase()) changes.mac = o.mac;
  if (o.promisc && !br.flags.includes("PROMISC")) changes.promisc = true;
  if (!br.flags.includes("UP")) changes.up = true;
  const wantVlan = o.vlanFiltering && br.linkinfo.info_data?.["vlan_filtering"] !== 1;
  if (Object.keys(changes).length === 0 && !wantVlan) return br;
  const lines: string[][] = [];
  if (wantVlan) lines.push(["link", "set", "dev", o.name, "type", "bridge", "vlan_filtering", "1"]);
  if (Object.keys(changes).length) lines.push(linkSetArgs(o.name, changes));
  await runBatch(ns, "ip", lines);
  return (await getLink(ns, o.name)) ?? br;
}
