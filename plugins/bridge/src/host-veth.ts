import { CniError, ErrorCode } from "@tscni/types";
import { CURRENT_NETNS, deleteLink, getLink, netnsTarget, portVlanCmds, randomVethName, Rtnl, runBatch, type Link } from "@tscni/net";
import type { BridgeConf } from "./config.js";
import { createHostVethNl } from "./host-veth-nl.js";
import { BridgeMissing, type HostSide, type VethRequest } from "./veth-request.js";
import { BatchError, ipJsonBatch } from "./ip-json-batch.js";
import { toRanges } from "./vlan-trunk.js";

/**
 * The veth pair with its peer already in the container netns, host end on the bridge
 * with its port flags and alias, up; the host end and the bridge read back. A failure
 * after the veth exists deletes it again. Standalone build: netlink requests from this
 * process (host-veth-nl.ts); otherwise one `ip -batch` exec in our (host) netns.
 */
export async function createHostVeth(conf: BridgeConf, req: VethRequest): Promise<HostSide> {
  const s = await Rtnl.open();
  if (s) {
    try {
      return createHostVethNl(s, conf, req);
    } finally {
      s.close();
    }
  }
  for (let attempt = 0; attempt < 4; attempt++) {
    const host = req.hostName ?? randomVethName();
    const add = ["link", "add", "name", host];
    if (req.mtu) add.push("mtu", String(req.mtu));
    add.push("type", "veth", "peer", "name", req.ifname);
    if (req.mtu) add.push("mtu", String(req.mtu));
    add.push("address", req.mac);
    if (req.peer.path) add.push("netns", netnsTarget(req.peer));
    const cmds: string[][] = [
      ["link", "set", "dev", conf.bridge, "up"], // fails first, cheaply, when the bridge is gone
      add,
      ["link", "set", "dev", host, "master", conf.bridge, "alias", req.alias, "up"],
    ];
    if (conf.hairpinMode || conf.portIsolation) {
      const flags = ["link", "set", "dev", host, "type", "bridge_slave"];
      if (conf.hairpinMode) flags.push("hairpin", "on");
      if (conf.portIsolation) flags.push("isolated", "on");
      cmds.push(flags);
    }
    cmds.push(["link", "show", "dev", host], ["link", "show", "dev", conf.bridge]);
    try {
      const [h, b] = await ipJsonBatch(CURRENT_NETNS, cmds);
      return { host: h![0] as Link, bridge: b![0] as Link };
    } catch (e) {
      if (!(e instanceof BatchError)) throw e;
      if (e.index === 0 && e.failure === "not-found") throw new BridgeMissing(conf.bridge);
      if (e.index === 1 && e.failure === "exists") {
        // Which end is taken? The container's name is an error; a random host name, retry.
        if (req.hostName === undefined && !(await getLink(CURRENT_NETNS, host))) {
          throw new CniError(ErrorCode.Internal, `container veth name provided (${req.ifname}) already exists`);
        }
        if (req.hostName === undefined) continue;
        throw new CniError(ErrorCode.Internal, `a link named ${host} already exists`);
      }
      // Index -1: ip gave up without naming a command (an argument it refuses at parse
      // time), so the veth may exist. A random name is ours whenever it exists.
      if (e.index > 1 || (e.index < 0 && req.hostName === undefined)) await deleteLink(CURRENT_NETNS, host).catch(() => {});
      throw e;
    }
  }
  throw new CniError(ErrorCode.TryAgainLater, "failed to find a unique veth name");
}

/** Go's VLAN setup of a new port: access VLAN, trunk, default VLAN 1 dropped unless preserved. */
export function portVlanPlan(conf: BridgeConf): Parameters<typeof portVlanCmds>[1] | undefined {
  if (conf.vlan === 0 && conf.vlans.length === 0) return undefined;
  const trunk = conf.vlans;
  return {
    removeDefault: !conf.preserveDefaultVlan,
    ...(conf.vlan !== 0 ? { pvid: conf.vlan } : { pvid: 1 }),
    ...(trunk.length ? { trunk: toRanges(trunk) } : {}),
  };
}

/** `bridge -batch` for the port's VLANs (one exec, only when VLANs are configured). */
export async function setPortVlans(conf: BridgeConf, port: string): Promise<void> {
  const plan = portVlanPlan(conf);
  if (plan) await runBatch(CURRENT_NETNS, "bridge", portVlanCmds(port, plan));
}
