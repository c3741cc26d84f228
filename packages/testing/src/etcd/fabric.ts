import { execOk } from "../exec.js";
import { createNetns, deleteNetns, type Netns } from "../sandbox.js";

/** A "node": a throwaway host netns with one link ("uplink") into the fabric. */
export interface FabricNode {
  netns: Netns;
  /** Its address on the fabric. */
  ip: string;
}

/** The test subnet (RFC 2544 benchmarking range); it exists only inside the netns a fabric makes. */
export const FABRIC_NET = "198.18.0";
const BRIDGE = "fab0";

/**
 * A private L2 segment: a bridge inside `hub` (the netns the servers run in), server
 * addresses on the bridge itself, and node netns attached by veths. Nothing touches the
 * machine's own namespace.
 */
export class Fabric {
  readonly nodes: FabricNode[] = [];
  private constructor(
    readonly prefix: string,
    readonly hub: Netns,
  ) {}

  /** Makes the hub netns with the bridge and `serverIPs` on it. */
  static async create(prefix: string, serverIPs: readonly string[]): Promise<Fabric> {
    const hub = await createNetns(prefix, "e");
    try {
      await execOk(["ip", "-n", hub.name, "link", "add", BRIDGE, "type", "bridge"]);
      for (const ip of serverIPs) await execOk(["ip", "-n", hub.name, "addr", "add", `${ip}/24`, "dev", BRIDGE]);
      await execOk(["ip", "-n", hub.name, "link", "set", BRIDGE, "up"]);
    } catch (e) {
      await deleteNetns(hub.name);
      throw e;
    }
    return new Fabric(prefix, hub);
  }

  /** A new node netns on the fabric, at the next free address (.101, .102, ...). */
  async addNode(role = "n"): Promise<FabricNode> {
    const netns = await createNetns(this.prefix, role);
    const ip = `${FABRIC_NET}.${101 + this.nodes.length}`;
    const port = `fp${this.nodes.length}`;
    this.nodes.push({ netns, ip });
    await execOk(["ip", "-n", this.hub.name, "link", "add", port, "type", "veth", "peer", "name", "uplink", "netns", netns.name]);
    await execOk(["ip", "-n", this.hub.name, "link", "set", port, "master", BRIDGE, "up"]);
    await execOk(["ip", "-n", netns.name, "addr", "add", `${ip}/24`, "dev", "uplink"]);
    await execOk(["ip", "-n", netns.name, "link", "set", "uplink", "up"]);
    return { netns, ip };
  }

  /** Removes every node netns, then the hub (their veths go with them). */
  async destroy(): Promise<void> {
    for (const n of this.nodes.splice(0)) await deleteNetns(n.netns.name);
    await deleteNetns(this.hub.name);
  }
}
