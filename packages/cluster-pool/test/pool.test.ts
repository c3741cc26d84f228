import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { CniError, parseWith } from "@tscni/types";
import { cidrContains, formatIP, parseIP } from "@tscni/types/ip";
import { leftovers } from "@tscni/testing";
import { EtcdCluster } from "@tscni/testing/etcd";
import { EtcdClient } from "@tscni/etcd";
import {
  Allocator, Releaser, checkAvailable, clusterConfigSchema, ensurePool, normaliseClusterConfig, parseBlockName, poolUsage, setUsage,
  type ClusterConfig,
} from "../src/index.js";

// The pool logic in-process against a real three-member etcd (through the members' unix
// sockets: the test process cannot reach the fabric). Each test uses its own network name,
// so its pool is its own.
const PREFIX = "tcp-";
let etcd: EtcdCluster;
let seq = 0;

beforeAll(async () => {
  etcd = await EtcdCluster.start({ prefix: PREFIX });
}, 60_000);
afterAll(async () => {
  await etcd?.stop();
  expect(leftovers(PREFIX)).toEqual({ netns: [], mounts: [], tmpDirs: [] });
});

const clients: EtcdClient[] = [];
afterAll(() => clients.forEach((c) => c.close()));

interface Node {
  cfg: ClusterConfig;
  client: EtcdClient;
  alloc: Allocator;
  rel: Releaser;
}

function node(network: string, name: string, ipam: object, args: Array<[string, string]> = []): Node {
  const conf = parseWith(clusterConfigSchema, {
    cniVersion: "1.1.0", name: network, type: "cluster-ipam",
    ipam: { type: "cluster-ipam", etcd: { endpoints: etcd.members.map((m) => `unix://${m.socket}`), prefix: "/test" }, nodeName: name, ...ipam },
  });
  const cfg = normaliseClusterConfig(conf, args);
  const client = new EtcdClient({ ...cfg.etcd, timeoutMs: 20_000 });
  clients.push(client);
  return { cfg, client, alloc: new Allocator(client, cfg.pool), rel: new Releaser(client, cfg.pool) };
}
const net = () => `n${seq++}`;
const ip = (s: string) => parseIP(s)!;
const texts = (a: Array<{ ip: { family: 4 | 6; value: bigint } }>) => a.map((x) => formatIP(x.ip));
async function codeOf(p: Promise<unknown>): Promise<{ code: number; msg: string }> {
  try {
    await p;
  } catch (e) {
    if (e instanceof CniError) return { code: e.code, msg: e.message };
    throw e;
  }
  return { code: 0, msg: "" };
}
const keysOf = async (network: string) => [...(await etcd.dump(`/test/${network}/`)).keys()].map((k) => k.slice(`/test/${network}/`.length));

describe("cluster-pool allocator", () => {
  it("claims a block on the first ADD, then allocates in it with one read and one write; a retried ADD gets the same address in one read", async () => {
    const n = net();
    const a = node(n, "node-a", { ranges: [[{ subnet: "10.50.0.0/24" }]], blockSize: 28 });
    const first = await a.alloc.allocate({ containerId: "c1", ifname: "eth0" });
    expect(a.client.stats.requests).toBe(3); // read, list claims, write (claim + marker + address + handle + pool)
    const block = first[0]!.key.split("/")[2]!;
    expect(cidrContains(parseBlockName(block)!, first[0]!.ip)).toBe(true);
    a.client.stats.requests = 0;
    const second = await a.alloc.allocate({ containerId: "c2", ifname: "eth0" });
    expect(a.client.stats.requests).toBe(2);
    expect(second[0]!.key.split("/")[2]).toBe(block);
    a.client.stats.requests = 0;
    expect(texts(await a.alloc.allocate({ containerId: "c1", ifname: "eth0" }))).toEqual(texts(first));
    expect(a.client.stats.requests).toBe(1);
    expect((await keysOf(n)).sort()).toEqual(
      [
        "pool", `claims/${block}`, `nodes/node-a/${block}`, first[0]!.key, second[0]!.key, "handles/node-a/c1/eth0", "handles/node-a/c2/eth0",
      ].sort(),
    );
    // DEL: one read, one write; idempotent.
    a.client.stats.requests = 0;
    expect(await a.rel.releaseAttachment("c1", "eth0")).toEqual(texts(first));
    expect(a.client.stats.requests).toBe(2);
    expect(await a.rel.releaseAttachment("c1", "eth0")).toEqual([]);
    expect(await keysOf(n)).not.toContain(first[0]!.key);
  });

  it("concurrent writers on four nodes (CAS conflicts) get distinct addresses, each in a block its node owns or a recorded borrow", async () => {
    const n = net();
    const nodes = ["w0", "w1", "w2", "w3"].map((w) => node(n, w, { ranges: [[{ subnet: "10.51.0.0/24" }]], blockSize: 28 }));
    const results = await Promise.all(
      nodes.flatMap((x, i) => Array.from({ length: 12 }, (_, j) => x.alloc.allocate({ containerId: `c${i}-${j}`, ifname: "eth0" }).then((r) => ({ node: x.cfg.pool.node, r })))),
    );
    const all = results.map((x) => formatIP(x.r[0]!.ip));
    expect(new Set(all).size).toBe(48);
    const dump = await etcd.dump(`/test/${n}/`);
    for (const { node: owner, r } of results) {
      const [, blockOwner, block] = r[0]!.key.split("/");
      expect(cidrContains(parseBlockName(block!)!, r[0]!.ip)).toBe(true);
      // The block's claim names its owner; the address is under the owner's tree and names our handle.
      expect(dump.get(`/test/${n}/claims/${block}`)).toBe(blockOwner);
      expect(dump.get(`/test/${n}/${r[0]!.key}`)).toMatch(new RegExp(`^${owner}/`));
    }
    // Some writers lost a race: more requests than 2 per ADD happened somewhere.
    const requests = nodes.reduce((s, x) => s + x.client.stats.requests, 0);
    expect(requests).toBeGreaterThan(48 * 2);
    // DEL of all: only empty blocks remain; DEINIT of each node releases them.
    await Promise.all(results.map(({ node: owner, r }, k) => nodes.find((x) => x.cfg.pool.node === owner)!.rel.releaseAttachment(`c${Math.floor(k / 12)}-${k % 12}`, "eth0")));
    const left = await keysOf(n);
    expect(left.filter((k) => k.startsWith("handles/") || k.split("/").length === 4)).toEqual([]);
    for (const x of nodes) expect((await x.rel.releaseEmptyBlocks(x.cfg.pool.node)).kept).toEqual([]);
    expect(await keysOf(n)).toEqual(["pool"]);
  });

  it("borrows a single address from another node's block when no block is free; exhaustion is code 11 for ADD and 50 for STATUS", async () => {
    const n = net();
    // 10.52.0.0/28, blocks of /30: four blocks; 13 usable addresses (.1 is the gateway, .0 and .15 reserved).
    const ipam = { ranges: [[{ subnet: "10.52.0.0/28" }]], blockSize: 30 };
    const a = node(n, "a", ipam);
    const b = node(n, "b", ipam);
    const got: string[] = [];
    for (let i = 0; i < 12; i++) got.push(...texts(await a.alloc.allocate({ containerId: `a${i}`, ifname: "eth0" })));
    const usage = await poolUsage(a.client, a.cfg.pool);
    expect(usage.blocks.map((x) => x.owner)).toEqual(["a", "a", "a", "a"]);
    expect(usage.sets[0]).toMatchObject({ usable: 13n, used: 12n, free: 1n });
    await checkAvailable(b.client, b.cfg.pool);
    const borrowed = await b.alloc.allocate({ containerId: "b0", ifname: "eth0" });
    expect(got).not.toContain(formatIP(borrowed[0]!.ip));
    expect(borrowed[0]!.key.split("/")[1]).toBe("a"); // inside a's block
    expect((await etcd.dump(`/test/${n}/`)).get(`/test/${n}/handles/b/b0/eth0`)).toContain(formatIP(borrowed[0]!.ip));
    expect((await poolUsage(a.client, a.cfg.pool)).blocks.reduce((s, x) => s + x.borrowed, 0)).toBe(1);
    const full = await codeOf(b.alloc.allocate({ containerId: "b1", ifname: "eth0" }));
    expect(full).toEqual({ code: 11, msg: "no IP addresses available in range set: 10.52.0.1-10.52.0.14" });
    const status = await codeOf(checkAvailable(a.client, a.cfg.pool));
    expect(status.code).toBe(50);
    // Releasing b's borrow makes room again; a's GC never touches b's attachment.
    expect(await a.rel.collect("a", new Set(got.map((_, i) => `a/a${i}/eth0`)))).toEqual([]);
    expect(await b.rel.collect("b", new Set())).toEqual(["b/b0/eth0"]);
    await checkAvailable(a.client, a.cfg.pool);
  });

  it("eight nodes asking for the same address at once: exactly one gets it, the others are told it is taken", async () => {
    const n = net();
    const ipam = { ranges: [[{ subnet: "10.56.0.0/24" }]], blockSize: 28 };
    const owner = node(n, "owner", ipam);
    await owner.alloc.allocate({ containerId: "first", ifname: "eth0" }, [ip("10.56.0.9")]); // owner claims the block
    const nodes = Array.from({ length: 8 }, (_, i) => node(n, `r${i}`, ipam)); // each takes the same path: a borrow
    const outcomes = await Promise.all(nodes.map((x, i) => codeOf(x.alloc.allocate({ containerId: `s${i}`, ifname: "eth0" }, [ip("10.56.0.10")]))));
    expect(outcomes.filter((o) => o.code === 0)).toHaveLength(1);
    expect(outcomes.filter((o) => o.code === 11)).toHaveLength(7);
    const holders = [...(await etcd.dump(`/test/${n}/`)).entries()].filter(([k]) => k.endsWith("/10.56.0.10"));
    expect(holders).toHaveLength(1);
  });

  it("requested addresses: an unowned block is claimed, another node's block lends it, a taken one is code 11, the gateway code 7", async () => {
    const n = net();
    const ipam = { ranges: [[{ subnet: "10.53.0.0/24" }], [{ subnet: "fd53::/120" }]], blockSize: 28, blockSizeV6: 124 };
    const a = node(n, "a", ipam);
    const b = node(n, "b", ipam);
    const r1 = await a.alloc.allocate({ containerId: "x", ifname: "eth0" }, [ip("10.53.0.40"), ip("fd53::40")]);
    expect(texts(r1)).toEqual(["10.53.0.40", "fd53::40"]);
    expect(r1.map((x) => x.key.split("/").slice(0, 3).join("/"))).toEqual(["nodes/a/10.53.0.32-28", "nodes/a/fd53::40-124"]);
    // b asks for an address in a's block: a borrow, recorded under a's block.
    const r2 = await b.alloc.allocate({ containerId: "y", ifname: "eth0" }, [ip("10.53.0.41")]);
    expect(formatIP(r2[0]!.ip)).toBe("10.53.0.41");
    expect(r2[0]!.key).toBe("nodes/a/10.53.0.32-28/10.53.0.41");
    const taken = await codeOf(b.alloc.allocate({ containerId: "z", ifname: "eth0" }, [ip("10.53.0.40")]));
    expect(taken.code).toBe(11);
    expect(taken.msg).toMatch(/requested IP address 10\.53\.0\.40 is not available/);
    expect((await codeOf(b.alloc.allocate({ containerId: "z", ifname: "eth0" }, [ip("10.53.0.1")]))).code).toBe(7);
    expect((await codeOf(b.alloc.allocate({ containerId: "z", ifname: "eth0" }, [ip("10.99.0.1")]))).code).toBe(7);
    // Nothing of z was written.
    expect((await keysOf(n)).filter((k) => k.includes("/z/"))).toEqual([]);
    // A held address is kept; asking for another one for the same attachment is refused.
    expect((await codeOf(a.alloc.allocate({ containerId: "x", ifname: "eth0" }, [ip("10.53.0.42")]))).code).toBe(7);
  });

  it("INIT creates the pool or checks it: a different range or block size is code 7 naming both", async () => {
    const n = net();
    const a = node(n, "a", { ranges: [[{ subnet: "10.54.0.0/24" }]], blockSize: 28 });
    expect(await ensurePool(a.client, a.cfg.pool)).toBe(true);
    expect(await ensurePool(a.client, a.cfg.pool)).toBe(false);
    const other = node(n, "b", { ranges: [[{ subnet: "10.54.0.0/24" }]], blockSize: 27 });
    const e = await codeOf(ensurePool(other.client, other.cfg.pool));
    expect(e.code).toBe(7);
    expect(e.msg).toContain(`/test/${n}/pool`);
    expect(e.msg).toContain("has ranges 10.54.0.0/24 10.54.0.1-10.54.0.254 gw 10.54.0.1, blockSize 28/122");
    expect(e.msg).toContain("this config has ranges 10.54.0.0/24 10.54.0.1-10.54.0.254 gw 10.54.0.1, blockSize 27/122");
    const wider = node(n, "c", { ranges: [[{ subnet: "10.54.0.0/23" }]], blockSize: 28 });
    expect((await codeOf(wider.alloc.allocate({ containerId: "q", ifname: "eth0" }))).code).toBe(7); // ADD checks it too
    expect((await codeOf(setUsage(wider.client, wider.cfg.pool))).code).toBe(7);
  });

  it("DEINIT releases only empty blocks; releasing a dead node frees its attachments, its borrows and its empty blocks", async () => {
    const n = net();
    const ipam = { ranges: [[{ subnet: "10.55.0.0/28" }]], blockSize: 30 };
    const a = node(n, "a", ipam);
    const b = node(n, "b", ipam);
    for (let i = 0; i < 12; i++) await a.alloc.allocate({ containerId: `a${i}`, ifname: "eth0" });
    const lent = await b.alloc.allocate({ containerId: "b0", ifname: "eth0" }); // borrowed from a
    await a.rel.releaseAttachment("a0", "eth0");
    await a.rel.releaseAttachment("a1", "eth0");
    await a.rel.releaseAttachment("a2", "eth0");
    const before = (await poolUsage(a.client, a.cfg.pool)).blocks;
    const emptyOnes = before.filter((x) => x.used === 0).map((x) => x.block);
    const deinit = await a.rel.releaseEmptyBlocks("a");
    expect(deinit.released.sort()).toEqual(emptyOnes.sort());
    expect(deinit.kept.length).toBe(before.length - emptyOnes.length);
    // Operator: node a is dead. Its attachments go; the block holding b's borrow stays with a until b releases it.
    const r = await b.rel.releaseNode("a");
    expect(r.attachments.sort()).toEqual(Array.from({ length: 9 }, (_, i) => `a/a${i + 3}/eth0`).sort());
    const lender = lent[0]!.key.split("/")[2]!;
    expect(r.kept).toEqual([{ block: lender, addresses: 1 }]);
    expect((await keysOf(n)).filter((k) => k.startsWith("handles/"))).toEqual(["handles/b/b0/eth0"]);
    await b.rel.releaseAttachment("b0", "eth0");
    expect((await b.rel.releaseNode("a")).blocks).toEqual([lender]);
    expect(await keysOf(n)).toEqual(["pool"]);
  });
});
