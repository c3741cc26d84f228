import { CniError, ErrorCode } from "@tscni/types";
import { formatIP, parseIP } from "@tscni/types/ip";
import { isReservedAddress, rangeFor, rangeSetString, usableCount } from "@tscni/ipam-ranges";
import { rangeAt, type EtcdClient } from "@tscni/etcd";
import { blockAddresses } from "./blocks.js";
import type { PoolConfig } from "./config.js";
import { handleNode, PoolKeys } from "./keys.js";
import { checkDefinition, describeDefinition, parsePoolDefinition } from "./records.js";
import { readBlocks } from "./view.js";

export interface SetUsage {
  ranges: string;
  usable: bigint;
  used: bigint;
  free: bigint;
}

export interface BlockUsage {
  block: string;
  owner: string;
  /** Range set, or -1 for a block the current config does not know. */
  set: number;
  usable: number;
  used: number;
  /** Addresses in it held by other nodes' attachments. */
  borrowed: number;
}

export interface PoolUsage {
  /** The stored definition (undefined: no pool yet). */
  definition: string | undefined;
  sets: SetUsage[];
  blocks: BlockUsage[];
  nodes: Array<{ node: string; blocks: number; attachments: number }>;
}

/**
 * Free addresses per range set, from one linearizable read of every allocation key (so it
 * also tells whether etcd has quorum). Code 7 when the stored pool differs from the config.
 */
export async function setUsage(etcd: EtcdClient, pool: PoolConfig): Promise<SetUsage[]> {
  const keys = new PoolKeys(pool);
  const t = await etcd.txn({ success: [{ type: "get", key: keys.pool }, { type: "get", key: keys.nodes, prefix: true, keysOnly: true }] });
  const stored = rangeAt(t, 0).kvs[0];
  if (stored) checkDefinition(pool, keys.pool, stored.value);
  const used = pool.ranges.map(() => 0n);
  for (const kv of rangeAt(t, 1).kvs) {
    const k = keys.parseNodeKey(kv.key);
    const ip = k?.ip === undefined ? undefined : parseIP(k.ip);
    if (!ip) continue;
    pool.ranges.forEach((set, i) => {
      const r = rangeFor(set, ip);
      if (r && !isReservedAddress(r, ip)) used[i]!++;
    });
  }
  return pool.ranges.map((set, i) => {
    const usable = set.reduce((n, r) => n + usableCount(r), 0n);
    return { ranges: rangeSetString(set), usable, used: used[i]!, free: usable - used[i]! };
  });
}

/** STATUS: code 50 when a range set has no free address left (etcd unreachable is mapped by the caller). */
export async function checkAvailable(etcd: EtcdClient, pool: PoolConfig): Promise<void> {
  const full = (await setUsage(etcd, pool)).filter((s) => s.free <= 0n);
  if (full.length > 0) throw new CniError(ErrorCode.NotAvailable, `no IP addresses available in range set: ${full.map((s) => s.ranges).join("; ")}`);
}

/** The operator's view of a pool: its definition, every block with owner and use, per-node totals. */
export async function poolUsage(etcd: EtcdClient, pool: PoolConfig): Promise<PoolUsage> {
  const keys = new PoolKeys(pool);
  const t = await etcd.txn({
    success: [
      { type: "get", key: keys.pool },
      { type: "get", key: keys.nodes, prefix: true },
      { type: "get", key: keys.handles, prefix: true, keysOnly: true },
    ],
  });
  const stored = rangeAt(t, 0).kvs[0];
  const blocks = readBlocks(pool, keys, rangeAt(t, 1).kvs).map((b): BlockUsage => {
    const addrs = b.block ? blockAddresses(pool, b.block).map((a) => formatIP(a.ip)) : [];
    return {
      block: b.name,
      owner: b.owner,
      set: b.block?.set ?? -1,
      usable: addrs.length,
      used: b.allocs.size,
      borrowed: [...b.allocs.values()].filter((h) => handleNode(h) !== b.owner).length,
    };
  });
  const attachments = new Map<string, number>();
  for (const kv of rangeAt(t, 2).kvs) {
    const node = handleNode(kv.key.slice(keys.handles.length));
    attachments.set(node, (attachments.get(node) ?? 0) + 1);
  }
  const names = [...new Set([...blocks.map((b) => b.owner), ...attachments.keys()])].sort();
  return {
    definition: stored ? describeDefinition(parsePoolDefinition(keys.pool, stored.value)) : undefined,
    sets: await setUsage(etcd, pool),
    blocks: blocks.sort((a, b) => a.set - b.set || a.block.localeCompare(b.block, "en", { numeric: true })),
    nodes: names.map((node) => ({ node, blocks: blocks.filter((b) => b.owner === node).length, attachments: attachments.get(node) ?? 0 })),
  };
}
