import type { KV } from "@tscni/etcd";
import { blockByName, type Block } from "./blocks.js";
import type { PoolConfig } from "./config.js";
import type { PoolKeys } from "./keys.js";

/** A block as read from its owner's tree: marker revision and allocations (address text -> handle). */
export interface BlockState {
  owner: string;
  name: string;
  /** undefined when the current config has no such block (the pool changed under it). */
  block: Block | undefined;
  /** 0 when the read saw allocations but no marker (a damaged tree). */
  markerRevision: number;
  /** Address text -> handle ("" when the read was keys only). */
  allocs: Map<string, string>;
}

/** Groups keys under nodes/ (one node's tree or all of them) into blocks, by owner and name. */
export function readBlocks(pool: Pick<PoolConfig, "ranges" | "blockSize">, keys: PoolKeys, kvs: readonly KV[]): BlockState[] {
  const byId = new Map<string, BlockState>();
  for (const kv of kvs) {
    const k = keys.parseNodeKey(kv.key);
    if (!k) continue;
    const id = `${k.node}/${k.block}`;
    let b = byId.get(id);
    if (!b) {
      b = { owner: k.node, name: k.block, block: blockByName(pool, k.block), markerRevision: 0, allocs: new Map() };
      byId.set(id, b);
    }
    if (k.ip === undefined) b.markerRevision = kv.modRevision;
    else b.allocs.set(k.ip, kv.value);
  }
  return [...byId.values()];
}
