import { rangeAt, type Compare, type EtcdClient, type KV, type Op } from "@tscni/etcd";
import type { PoolConfig } from "./config.js";
import { handleId, PoolKeys } from "./keys.js";
import { parseHandle } from "./records.js";
import { readBlocks } from "./view.js";

/** Compares + deletes of one unit of release work, kept together so a batch can be split. */
interface Release {
  what: string;
  compare: Compare[];
  deletes: Op[];
  /** Re-reads what the compares were based on, for a retry of this item alone. */
  again: () => Promise<Release | undefined>;
}

/** etcd refuses transactions with more than 128 operations per branch (its default --max-txn-ops). */
const MAX_OPS = 120;
const MAX_ATTEMPTS = 16;

/**
 * Releases of attachments and blocks. Every delete compares what it was based on: an
 * allocation key is deleted only while it still names the handle being released, a
 * handle only at the revision read, a block only while nothing under it changed.
 */
export class Releaser {
  readonly keys: PoolKeys;
  constructor(
    readonly etcd: EtcdClient,
    readonly pool: Pick<PoolConfig, "prefix" | "network" | "node" | "ranges" | "blockSize">,
  ) {
    this.keys = new PoolKeys(pool);
  }

  /** The release of a handle read as `kv`: the handle at that revision, and each of its addresses still naming it. */
  private handleRelease(kv: KV, id: string, notOurs: ReadonlySet<string> = new Set()): Release {
    const allocKeys = parseHandle(kv.key, kv.value).ips.map((a) => this.keys.absolute(a.key)).filter((k) => !notOurs.has(k));
    return {
      what: id,
      compare: [{ key: kv.key, target: "mod", result: "=", value: kv.modRevision }, ...allocKeys.map((key): Compare => ({ key, target: "value", result: "=", value: id }))],
      deletes: [{ type: "del", key: kv.key }, ...allocKeys.map((key): Op => ({ type: "del", key }))],
      again: async () => {
        const t = await this.etcd.txn({ success: [{ type: "get", key: kv.key }, ...allocKeys.map((key): Op => ({ type: "get", key }))] });
        const h = rangeAt(t, 0).kvs[0];
        if (!h) return undefined;
        // Addresses that no longer name this handle are someone else's now: leave them.
        const foreign = new Set(notOurs);
        allocKeys.forEach((key, i) => {
          if (rangeAt(t, 1 + i).kvs[0]?.value !== id) foreign.add(key);
        });
        return this.handleRelease(h, id, foreign);
      },
    };
  }

  /** An allocation whose handle does not exist (a damaged pool): deleted while it still names that handle and the handle stays absent. */
  private orphanRelease(kv: KV): Release {
    return {
      what: `${this.keys.relative(kv.key)} (no handle ${kv.value})`,
      compare: [
        { key: kv.key, target: "value", result: "=", value: kv.value },
        { key: this.keys.handle(kv.value), target: "version", result: "=", value: 0 },
      ],
      deletes: [{ type: "del", key: kv.key }],
      again: async () => {
        const now = await this.etcd.get(kv.key);
        return now && now.value === kv.value ? this.orphanRelease(now) : undefined;
      },
    };
  }

  /**
   * Runs releases in as few transactions as fit; a batch whose compares fail (something
   * changed meanwhile) is done again item by item, each re-read. Returns what was released.
   */
  private async run(items: Release[]): Promise<string[]> {
    const done: string[] = [];
    let batch: Release[] = [];
    let ops = 0;
    const flush = async () => {
      if (batch.length === 0) return;
      const b = batch;
      batch = [];
      ops = 0;
      const t = await this.etcd.txn({ compare: b.flatMap((r) => r.compare), success: b.flatMap((r) => r.deletes) });
      if (t.succeeded) return void done.push(...b.map((r) => r.what));
      for (const r of b) if (await this.one(r)) done.push(r.what);
    };
    for (const r of items) {
      const n = Math.max(r.compare.length, r.deletes.length);
      if (ops + n > MAX_OPS) await flush();
      batch.push(r);
      ops += n;
    }
    await flush();
    return done;
  }

  /** One release, re-read and retried until it applies or there is nothing left to release. */
  private async one(first: Release): Promise<boolean> {
    let r: Release | undefined = first;
    for (let i = 0; i < MAX_ATTEMPTS && r; i++) {
      r = await r.again();
      if (!r) return false;
      if ((await this.etcd.txn({ compare: r.compare, success: r.deletes })).succeeded) return true;
    }
    return false;
  }

  /** DEL: the attachment's handle and its addresses. Nothing to release is fine. Returns the released addresses. */
  async releaseAttachment(containerId: string, ifname: string): Promise<string[]> {
    const id = handleId(this.pool.node, containerId, ifname);
    const kv = await this.etcd.get(this.keys.handle(id));
    if (!kv) return [];
    const ips = parseHandle(kv.key, kv.value).ips.map((a) => a.ip);
    const r = this.handleRelease(kv, id);
    if ((await this.etcd.txn({ compare: r.compare, success: r.deletes })).succeeded) return ips;
    return (await this.one(r)) ? ips : [];
  }

  /**
   * GC: every handle of `node` whose attachment is not in `keep`, with its addresses, and
   * every allocation naming a handle of `node` that does not exist. Never another node's.
   */
  async collect(node: string, keep: ReadonlySet<string>): Promise<string[]> {
    const t = await this.etcd.txn({
      success: [
        { type: "get", key: this.keys.handlesOf(node), prefix: true },
        { type: "get", key: this.keys.nodes, prefix: true },
      ],
    });
    const handles = rangeAt(t, 0).kvs;
    const ids = new Set(handles.map((kv) => kv.key.slice(this.keys.handles.length)));
    const stale = handles.filter((kv) => !keep.has(kv.key.slice(this.keys.handles.length)));
    const orphans = rangeAt(t, 1).kvs.filter((kv) => this.keys.parseNodeKey(kv.key)?.ip !== undefined && kv.value.startsWith(`${node}/`) && !ids.has(kv.value));
    return this.run([...stale.map((kv) => this.handleRelease(kv, kv.key.slice(this.keys.handles.length))), ...orphans.map((kv) => this.orphanRelease(kv))]);
  }

  /**
   * Blocks of `node` with no allocation left: marker and claim go, while nothing under the
   * block changed since the read and the claim still names the node. Returns their names.
   */
  async releaseEmptyBlocks(node: string): Promise<{ released: string[]; kept: Array<{ block: string; addresses: number }> }> {
    const r = await this.etcd.range(this.keys.nodeTree(node), { prefix: true });
    const blocks = readBlocks(this.pool, this.keys, r.kvs);
    const empty = blocks.filter((b) => b.allocs.size === 0 && b.markerRevision > 0);
    const items = empty.map((b): Release => {
      const marker = this.keys.marker(node, b.name);
      const claim = this.keys.claim(b.name);
      const release = (rev: number): Release => ({
        what: b.name,
        compare: [
          { key: marker, prefix: true, target: "mod", result: "<", value: rev + 1 },
          { key: claim, target: "value", result: "=", value: node },
        ],
        deletes: [{ type: "del", key: marker }, { type: "del", key: claim }],
        again: async () => {
          const now = await this.etcd.range(marker, { prefix: true });
          const s = readBlocks(this.pool, this.keys, now.kvs).find((x) => x.name === b.name);
          return s && s.allocs.size === 0 && s.markerRevision > 0 ? release(now.revision) : undefined;
        },
      });
      return release(r.revision);
    });
    const released = await this.run(items);
    const kept = blocks.filter((b) => !released.includes(b.name)).map((b) => ({ block: b.name, addresses: b.allocs.size }));
    return { released, kept };
  }

  /**
   * An operator's release of a dead node: all its attachments (its addresses in any
   * block), then its blocks that are empty. Blocks still holding addresses other nodes
   * borrowed stay (listed in `kept`) until those are released; run it again then.
   */
  async releaseNode(node: string): Promise<{ attachments: string[]; blocks: string[]; kept: Array<{ block: string; addresses: number }> }> {
    const attachments = await this.collect(node, new Set());
    const { released, kept } = await this.releaseEmptyBlocks(node);
    return { attachments, blocks: released, kept };
  }
}
