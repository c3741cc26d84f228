import type { PoolConfig } from "./config.js";

/**
 * The key layout of one pool (README "Key layout"): everything under
 * `<prefix>/<network>/`, so `etcdctl get --prefix <prefix>/<network>/` shows a pool.
 *
 *   pool                               the pool's definition (ranges, block sizes)
 *   claims/<block>                     the node that owns the block (created if absent)
 *   nodes/<node>/<block>               the block's marker in its owner's tree
 *   nodes/<node>/<block>/<ip>          an allocation: the handle holding the address
 *   handles/<node>/<containerID>/<if>  an attachment: its addresses and their keys
 *
 * A block is named by its CIDR with "-" for "/" (10.200.0.64-26).
 */
export class PoolKeys {
  readonly root: string;
  constructor(pool: Pick<PoolConfig, "prefix" | "network">) {
    this.root = `${pool.prefix}/${pool.network}/`;
  }
  get pool(): string {
    return `${this.root}pool`;
  }
  get claims(): string {
    return `${this.root}claims/`;
  }
  claim(block: string): string {
    return `${this.claims}${block}`;
  }
  get nodes(): string {
    return `${this.root}nodes/`;
  }
  /** Every block (marker and allocations) a node owns. */
  nodeTree(node: string): string {
    return `${this.nodes}${node}/`;
  }
  marker(node: string, block: string): string {
    return `${this.nodes}${node}/${block}`;
  }
  alloc(node: string, block: string, ip: string): string {
    return `${this.marker(node, block)}/${ip}`;
  }
  get handles(): string {
    return `${this.root}handles/`;
  }
  handlesOf(node: string): string {
    return `${this.handles}${node}/`;
  }
  handle(id: string): string {
    return `${this.handles}${id}`;
  }
  /** Key relative to the pool's root (what handles store), and back. */
  relative(key: string): string {
    return key.startsWith(this.root) ? key.slice(this.root.length) : key;
  }
  absolute(rel: string): string {
    return `${this.root}${rel}`;
  }
  /** A key under nodes/: its owner, block and (for an allocation) address. */
  parseNodeKey(key: string): { node: string; block: string; ip?: string } | undefined {
    if (!key.startsWith(this.nodes)) return undefined;
    const parts = key.slice(this.nodes.length).split("/");
    if (parts.length === 2) return { node: parts[0]!, block: parts[1]! };
    if (parts.length === 3) return { node: parts[0]!, block: parts[1]!, ip: parts[2]! };
    return undefined;
  }
}

/** The handle of an attachment: node, container ID and interface name. */
export const handleId = (node: string, containerId: string, ifname: string): string => `${node}/${containerId}/${ifname}`;

/** The node a handle belongs to. */
export const handleNode = (id: string): string => id.slice(0, id.indexOf("/"));
