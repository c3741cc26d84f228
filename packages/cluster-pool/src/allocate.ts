import { CniError, ErrorCode } from "@tscni/types";
import { formatIP, formatCIDR, parseIP, type IPAddr } from "@tscni/types/ip";
import { assignRequested, checkRequestedAddress, rangeFor, rangeSetString, type Range } from "@tscni/ipam-ranges";
import { rangeAt, type Compare, type EtcdClient, type KV, type Op, type TxnResult } from "@tscni/etcd";
import { blockAddresses, blockOf, blocksOf, type Address, type Block } from "./blocks.js";
import { poolDefinition, type PoolConfig } from "./config.js";
import { fnv1a } from "./hash.js";
import { handleId, PoolKeys } from "./keys.js";
import { checkDefinition, handleValue, markerValue, parseHandle, type HandleRecord } from "./records.js";
import { readBlocks, type BlockState } from "./view.js";

export interface Attachment {
  containerId: string;
  ifname: string;
}

/** One address of an attachment. */
export interface Allocation {
  set: number;
  ip: IPAddr;
  range: Range;
  /** Its allocation key, relative to the pool's root (nodes/<owner>/<block>/<ip>). */
  key: string;
}

/** How often a compare-and-swap that lost to another writer is tried again (each retry reads afresh). */
const MAX_ATTEMPTS = 64;

/** What one read showed: the attachment's handle, this node's blocks, the pool record, requested blocks' owners. */
interface Snapshot {
  handle: KV | undefined;
  mine: BlockState[];
  pool: KV | undefined;
  claims: Map<string, string>;
}

/** The writes that take one address for one range set. */
interface Plan {
  alloc: Allocation;
  compare: Compare[];
  puts: Op[];
}

/**
 * The address allocator of one node (the calico-ipam design): a node claims blocks with a
 * create-if-absent transaction and allocates inside its own blocks; when they are full it
 * claims another; when none is free it borrows an address from another node's block.
 * Every write is one transaction that compares what the plan was based on (the block
 * marker's revision, the address key absent, the handle's revision); a lost race re-reads
 * (from the failed transaction itself) and plans again. No lock anywhere.
 */
export class Allocator {
  readonly keys: PoolKeys;
  constructor(
    readonly etcd: EtcdClient,
    readonly pool: PoolConfig,
  ) {
    this.keys = new PoolKeys(pool);
  }

  /**
   * One address per range set for the attachment, honouring requested addresses. A
   * retried ADD of the same attachment gets what it already holds. Steady state (this
   * node's block has room): one read transaction and one write transaction.
   */
  async allocate(att: Attachment, requested: readonly IPAddr[] = []): Promise<Allocation[]> {
    const { pool, keys } = this;
    const id = handleId(pool.node, att.containerId, att.ifname);
    const wanted = assignRequested(pool.ranges, requested);
    wanted.forEach((ip, set) => ip && checkRequestedAddress(rangeFor(pool.ranges[set]!, ip)!, ip));
    const reqBlocks = wanted.map((ip, set) => (ip ? blockOf(pool, set, ip) : undefined));
    const claimKeys = reqBlocks.filter((b): b is Block => b !== undefined).map((b) => keys.claim(b.name));
    const reads: Op[] = [
      { type: "get", key: keys.handle(id) },
      // Keys and revisions are all the plan needs of the tree: which addresses are taken, and each block's marker revision.
      { type: "get", key: keys.nodeTree(pool.node), prefix: true, keysOnly: true },
      { type: "get", key: keys.pool },
      ...claimKeys.map((key): Op => ({ type: "get", key })),
    ];
    let snap = this.snapshot(await this.etcd.txn({ success: reads }), claimKeys);
    for (let attempt = 0; attempt < MAX_ATTEMPTS; attempt++) {
      if (snap.pool) checkDefinition(pool, keys.pool, snap.pool.value);
      const held = snap.handle ? this.held(snap.handle) : [];
      for (const [set, want] of wanted.entries()) {
        const has = held.find((a) => a.set === set);
        if (want && has && has.ip.value !== want.value)
          throw new CniError(ErrorCode.InvalidConfig, `${att.containerId}/${att.ifname} already holds ${formatIP(has.ip)}, not the requested ${formatIP(want)}`);
      }
      const missing = pool.ranges.map((_, set) => set).filter((set) => !held.some((a) => a.set === set));
      if (missing.length === 0) return held.sort((a, b) => a.set - b.set);
      const plans: Plan[] = [];
      for (const set of missing) plans.push(await this.plan(set, id, wanted[set], reqBlocks[set], snap));
      const handle: HandleRecord = {
        ips: [...(snap.handle ? parseHandle(snap.handle.key, snap.handle.value).ips : []), ...plans.map((p) => ({ ip: formatIP(p.alloc.ip), key: p.alloc.key }))],
      };
      const compare: Compare[] = [
        snap.handle
          ? { key: keys.handle(id), target: "mod", result: "=", value: snap.handle.modRevision }
          : { key: keys.handle(id), target: "version", result: "=", value: 0 },
        ...(snap.pool ? [] : [{ key: keys.pool, target: "version", result: "=", value: 0 } as Compare]),
        ...plans.flatMap((p) => p.compare),
      ];
      const success: Op[] = [
        ...plans.flatMap((p) => p.puts),
        { type: "put", key: keys.handle(id), value: handleValue(handle) },
        ...(snap.pool ? [] : [{ type: "put", key: keys.pool, value: JSON.stringify(poolDefinition(pool)) } as Op]),
      ];
      const t = await this.etcd.txn({ compare, success, failure: reads });
      if (t.succeeded) return [...held, ...plans.map((p) => p.alloc)].sort((a, b) => a.set - b.set);
      snap = this.snapshot(t, claimKeys);
    }
    throw new CniError(ErrorCode.TryAgainLater, `cluster-ipam: gave up after ${MAX_ATTEMPTS} attempts lost to other writers`);
  }

  private snapshot(t: TxnResult, claimKeys: string[]): Snapshot {
    const claims = new Map<string, string>();
    claimKeys.forEach((key, i) => {
      const kv = rangeAt(t, 3 + i).kvs[0];
      if (kv) claims.set(key, kv.value);
    });
    return {
      handle: rangeAt(t, 0).kvs[0],
      mine: readBlocks(this.pool, this.keys, rangeAt(t, 1).kvs),
      pool: rangeAt(t, 2).kvs[0],
      claims,
    };
  }

  /** The handle's addresses, each with the range set it serves under the current config. */
  private held(kv: KV): Allocation[] {
    const out: Allocation[] = [];
    for (const a of parseHandle(kv.key, kv.value).ips) {
      const ip = parseIP(a.ip);
      if (!ip) continue;
      const set = this.pool.ranges.findIndex((s) => rangeFor(s, ip));
      if (set >= 0 && !out.some((o) => o.set === set)) out.push({ set, ip, range: rangeFor(this.pool.ranges[set]!, ip)!, key: a.key });
    }
    return out;
  }

  private async plan(set: number, id: string, want: IPAddr | undefined, wantBlock: Block | undefined, snap: Snapshot): Promise<Plan> {
    if (want && wantBlock) return this.planRequested(set, id, want, wantBlock, snap);
    // 1. A free address in one of this node's blocks.
    const mine = snap.mine.filter((b) => b.block?.set === set && b.markerRevision > 0).sort((a, b) => (a.block!.cidr.ip.value < b.block!.cidr.ip.value ? -1 : 1));
    for (const b of mine) {
      const free = this.freeIn(b);
      if (free.length > 0) return this.take(b, pick(free, id), id);
    }
    // 2. A block nobody owns yet.
    const claimed = new Set((await this.etcd.range(this.keys.claims, { prefix: true, keysOnly: true })).kvs.map((kv) => kv.key.slice(this.keys.claims.length)));
    for (const b of blocksOf(this.pool, set, fnv1a(this.pool.node))) {
      if (claimed.has(b.name)) continue;
      const addrs = blockAddresses(this.pool, b);
      if (addrs.length > 0) return this.claim(b, pick(addrs, id), id);
    }
    // 3. Borrow from another node's block.
    const all = readBlocks(this.pool, this.keys, (await this.etcd.range(this.keys.nodes, { prefix: true })).kvs);
    const others = all.filter((b) => b.owner !== this.pool.node && b.block?.set === set && b.markerRevision > 0);
    for (const b of others) {
      const free = this.freeIn(b);
      if (free.length > 0) return this.take(b, pick(free, id), id);
    }
    throw new CniError(ErrorCode.TryAgainLater, `no IP addresses available in range set: ${rangeSetString(this.pool.ranges[set]!)}`);
  }

  private async planRequested(set: number, id: string, want: IPAddr, b: Block, snap: Snapshot): Promise<Plan> {
    const addr = blockAddresses(this.pool, b).find((a) => a.ip.value === want.value)!;
    const owner = snap.claims.get(this.keys.claim(b.name));
    if (owner === undefined) return this.claim(b, addr, id);
    let state = owner === this.pool.node ? snap.mine.find((s) => s.name === b.name) : undefined;
    if (!state) state = readBlocks(this.pool, this.keys, (await this.etcd.range(this.keys.marker(owner, b.name), { prefix: true })).kvs).find((s) => s.name === b.name);
    if (!state || state.markerRevision === 0 || state.allocs.has(formatIP(want)))
      throw new CniError(ErrorCode.TryAgainLater, `requested IP address ${formatIP(want)} is not available in range set ${rangeSetString(this.pool.ranges[set]!)}`);
    return this.take(state, addr, id);
  }

  private freeIn(b: BlockState): Address[] {
    return blockAddresses(this.pool, b.block!).filter((a) => !b.allocs.has(formatIP(a.ip)));
  }

  /** An address in an existing block (ours, or borrowed from its owner): the marker unchanged, the address key absent. */
  private take(b: BlockState, a: Address, id: string): Plan {
    const ip = formatIP(a.ip);
    const key = this.keys.alloc(b.owner, b.name, ip);
    return {
      alloc: { set: b.block!.set, ip: a.ip, range: a.range, key: this.keys.relative(key) },
      compare: [
        { key: this.keys.marker(b.owner, b.name), target: "mod", result: "=", value: b.markerRevision },
        { key, target: "version", result: "=", value: 0 },
      ],
      puts: [{ type: "put", key, value: id }],
    };
  }

  /** A block nobody owns: claim, marker and the first allocation in one go. */
  private claim(b: Block, a: Address, id: string): Plan {
    const ip = formatIP(a.ip);
    const key = this.keys.alloc(this.pool.node, b.name, ip);
    return {
      alloc: { set: b.set, ip: a.ip, range: a.range, key: this.keys.relative(key) },
      compare: [{ key: this.keys.claim(b.name), target: "version", result: "=", value: 0 }],
      puts: [
        { type: "put", key: this.keys.claim(b.name), value: this.pool.node },
        { type: "put", key: this.keys.marker(this.pool.node, b.name), value: markerValue(formatCIDR(b.cidr)) },
        { type: "put", key, value: id },
      ],
    };
  }
}

/** The attachment's pick among free addresses: spread by its handle, so concurrent ADDs of one node rarely want the same one. */
function pick(free: Address[], id: string): Address {
  return free[fnv1a(id) % free.length]!;
}
