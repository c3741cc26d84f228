import { CniError, ErrorCode } from "@tscni/types";
import { runBatch } from "./ipcmd.js";
import { runIn, type Netns } from "./netns.js";
import { checkIfName, checkInt } from "./names.js";

/** VLAN membership of one bridge port (the bridge needs vlan_filtering). */
export interface PortVlans {
  /** Access VLAN: pvid + untagged on egress. */
  pvid?: number;
  /** Tagged VLANs: ids or inclusive [from, to] ranges. */
  trunk?: Array<number | [number, number]>;
  /** Drop the default VLAN 1 the kernel gives every new port (Go does, unless preserveDefaultVlan). */
  removeDefault?: boolean;
}

const vid = (n: number) => checkInt(n, 1, 4094, "VLAN id");

/** `bridge` commands (batchable) that give `port` the requested VLANs. */
export function portVlanCmds(port: string, v: PortVlans): string[][] {
  checkIfName(port);
  const cmds: string[][] = [];
  if (v.removeDefault) cmds.push(["vlan", "del", "dev", port, "vid", "1"]);
  if (v.pvid !== undefined) cmds.push(["vlan", "add", "dev", port, "vid", vid(v.pvid), "pvid", "untagged", "master"]);
  for (const t of v.trunk ?? []) {
    if (Array.isArray(t)) {
      const [a, b] = t;
      if (b < a) throw new CniError(ErrorCode.InvalidConfig, `invalid VLAN range ${a}-${b}`);
      cmds.push(["vlan", "add", "dev", port, "vid", a === b ? vid(a) : `${vid(a)}-${vid(b)}`, "master"]);
    } else {
      cmds.push(["vlan", "add", "dev", port, "vid", vid(t), "master"]);
    }
  }
  return cmds;
}

/** Apply portVlanCmds in one `bridge -batch` exec. */
export async function setPortVlans(ns: Netns, port: string, v: PortVlans): Promise<void> {
  await runBatch(ns, "bridge", portVlanCmds(port, v));
}

export interface VlanEntry {
  vlan: number;
  vlanEnd?: number;
  flags?: string[];
}

/** VLANs of `port` as `bridge -json vlan show` reports them (ranges compressed). */
export async function listPortVlans(ns: Netns, port: string): Promise<VlanEntry[]> {
  const r = await runIn(ns, ["bridge", "-json", "vlan", "show", "dev", checkIfName(port)]);
  const rows = r.stdout.trim() ? (JSON.parse(r.stdout) as Array<{ ifname: string; vlans: VlanEntry[] }>) : [];
  return rows.find((x) => x.ifname === port)?.vlans ?? [];
}
