import { CniError, ErrorCode } from "@tscni/types";
import { apply, CURRENT_NETNS, NetError, setPortVlans, type PortVlans } from "@tscni/net";
import type { BridgeConf } from "./config.js";
import { BridgeMissing, type HostSide, type VethRequest } from "./veth-request.js";
import { toRanges } from "./vlan-trunk.js";

/**
 * The veth pair with its peer created in the container netns, the host end ("veth" + 8
 * random hex digits) on the bridge with its port flags and alias, up; the host end and the
 * bridge read back. One round trip; a veth that fails half-way is deleted again by net.
 */
export async function createHostVeth(conf: BridgeConf, req: VethRequest): Promise<HostSide> {
  const port = { ...(conf.hairpinMode ? { hairpin: true } : {}), ...(conf.portIsolation ? { isolated: true } : {}) };
  try {
    const [, host, bridge] = await apply(CURRENT_NETNS, [
      { op: "setLink", name: conf.bridge, up: true }, // fails first, cheaply, when the bridge is gone
      { op: "createVeth", peerName: req.ifname, peerNetns: req.peer, peerMac: req.mac, mtu: req.mtu, master: conf.bridge, alias: req.alias, up: true, port },
      // Read the bridge again: one without a MAC of its own takes its lowest port's.
      { op: "getLink", name: conf.bridge },
    ] as const);
    return { host, bridge: bridge ?? { name: conf.bridge } };
  } catch (e) {
    if (e instanceof NetError && e.index === 0 && e.failure === "not-found") throw new BridgeMissing(conf.bridge);
    // net retries a host name that collided; what is left taken is the container's name (Go's words).
    if (e instanceof NetError && e.index === 1 && e.failure === "exists") {
      throw new CniError(ErrorCode.Internal, `container veth name provided (${req.ifname}) already exists`, e.details);
    }
    throw e;
  }
}

/** Go's VLAN setup of a new port: access VLAN, trunk, default VLAN 1 dropped unless preserved. */
export function portVlanPlan(conf: BridgeConf): PortVlans | undefined {
  if (conf.vlan === 0 && conf.vlans.length === 0) return undefined;
  const trunk = conf.vlans;
  return {
    removeDefault: !conf.preserveDefaultVlan,
    pvid: conf.vlan !== 0 ? conf.vlan : 1,
    ...(trunk.length ? { trunk: toRanges(trunk) } : {}),
  };
}

/** The port's VLANs, only when VLANs are configured. */
export async function setupPortVlans(conf: BridgeConf, port: string): Promise<void> {
  const plan = portVlanPlan(conf);
  if (plan) await setPortVlans(CURRENT_NETNS, port, plan);
}
