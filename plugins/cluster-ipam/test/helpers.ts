import { mkdtempSync, rmSync } from "node:fs";
import { afterAll, beforeAll, expect } from "vitest";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { cidrContains, parseIP } from "@tscni/types/ip";
import { createNetns, deleteNetns, leftovers, runExecutable, runPrefix, type Netns, type PluginRun } from "@tscni/testing";
import { distPath } from "@tscni/testing/repo";
import { EtcdCluster, type EtcdClusterOptions } from "@tscni/testing/etcd";
import { parseBlockName } from "@tscni/cluster-pool";

export const KEY_PREFIX = "/tscni/ipam";

/** One node of a test world: a host netns on the fabric and a container netns for CNI_NETNS. */
export interface WorldNode {
  name: string;
  netns: Netns;
  container: Netns;
}

/** A real etcd cluster, node netns on its fabric, and a tmp dir (token caches, stats files). */
export interface World {
  etcd: EtcdCluster;
  nodes: WorldNode[];
  work: string;
  prefix: string;
}

export async function startWorld(opts: EtcdClusterOptions & { nodes: number }): Promise<World> {
  const etcd = await EtcdCluster.start(opts);
  const w: World = { etcd, nodes: [], work: mkdtempSync(join(tmpdir(), `${runPrefix(opts.prefix)}w-`)), prefix: opts.prefix };
  try {
    for (let i = 0; i < opts.nodes; i++) {
      const n = await etcd.addNode();
      w.nodes.push({ name: `node-${String.fromCharCode(97 + i)}`, netns: n.netns, container: await createNetns(opts.prefix, "c") });
    }
  } catch (e) {
    await stopWorld(w);
    throw e;
  }
  return w;
}

export async function stopWorld(w: World | undefined): Promise<void> {
  if (!w) return;
  for (const n of w.nodes) await deleteNetns(n.container.name);
  await w.etcd.stop();
  rmSync(w.work, { recursive: true, force: true });
}

/**
 * One world for the whole test file: started before its first test, stopped after its
 * last, and then nothing with its prefix may be left (netns, mounts, tmp dirs).
 */
export function fileWorld(opts: EtcdClusterOptions & { nodes: number }, ready?: (w: World) => void | Promise<void>): { readonly w: World } {
  let w: World | undefined;
  beforeAll(async () => {
    w = await startWorld(opts);
    await ready?.(w);
  }, 120_000);
  afterAll(async () => {
    await stopWorld(w);
    expect(leftovers(opts.prefix)).toEqual({ netns: [], mounts: [], tmpDirs: [] });
  });
  return {
    get w() {
      return w!;
    },
  };
}

/** fileWorld with two nodes, handed to `set` as (world, a, b) once started. */
export function fileTwoNodes(prefix: string, set: (w: World, a: WorldNode, b: WorldNode) => void | Promise<void>): void {
  fileWorld({ prefix, nodes: 2 }, (w) => set(w, w.nodes[0]!, w.nodes[1]!));
}

/** The ipam section of a node: this world's members, a token cache in the work dir. */
export function ipam(w: World, node: WorldNode, extra: Record<string, unknown> = {}): Record<string, unknown> {
  const { etcd: etcdExtra, ...rest } = extra as { etcd?: Record<string, unknown> };
  return {
    type: "cluster-ipam",
    // Generous: a busy CI machine can starve a call for seconds; tests of the timeout set their own.
    etcd: { endpoints: w.etcd.endpoints, prefix: KEY_PREFIX, timeoutMs: 15_000, tokenCache: join(w.work, `tokens-${node.name}.json`), ...etcdExtra },
    ranges: [[{ subnet: "10.200.0.0/16" }]],
    blockSize: 26,
    nodeName: node.name,
    ...rest,
  };
}

export function netConf(w: World, node: WorldNode, network: string, extra: Record<string, unknown> = {}, top: Record<string, unknown> = {}, cniVersion = "1.1.0") {
  return { cniVersion, name: network, type: "cluster-ipam", ipam: ipam(w, node, extra), ...top };
}

export type Target = "standalone" | "node";
export const TARGETS: Target[] = ["standalone", "node"];

export interface Call {
  command: string;
  containerId?: string;
  ifname?: string;
  args?: string;
  env?: Record<string, string>;
  timeoutMs?: number;
}

/** A run with the parsed output left untyped for the tests' field access. */
export type Run = PluginRun & { json?: any };

/** Runs cluster-ipam (standalone, or the node bundle under node) in the node's netns, as a runtime would. */
export function call(node: WorldNode, c: Call, conf: object, target: Target = "standalone"): Promise<Run> {
  const env: Record<string, string> = { CNI_COMMAND: c.command, CNI_PATH: "/nonexistent", ...(c.env ?? {}) };
  if (c.containerId !== undefined) {
    env.CNI_CONTAINERID = c.containerId;
    env.CNI_IFNAME = c.ifname ?? "eth0";
    env.CNI_NETNS = node.container.path;
  }
  if (c.args !== undefined) env.CNI_ARGS = c.args;
  return runExecutable(distPath("cluster-ipam", target), {
    env,
    stdin: conf,
    netns: node.netns.name,
    ...(target === "node" ? { interpreter: process.execPath } : {}),
    timeoutMs: c.timeoutMs ?? 30_000,
  });
}

/** Every key of a pool, relative to its root. */
export async function poolKeys(w: World, network: string): Promise<Map<string, string>> {
  const root = `${KEY_PREFIX}/${network}/`;
  const all = await w.etcd.dump(root);
  return new Map([...all].map(([k, v]) => [k.slice(root.length), v]));
}

/**
 * The pool's invariants: every handle's addresses are allocation keys naming it; every
 * allocation names a handle that lists it; every allocation lies in its block, under the
 * block's owner (the claim), with the block's marker present; no address twice.
 */
export function poolProblems(keys: Map<string, string>): string[] {
  const problems: string[] = [];
  const listed = new Map<string, string>();
  for (const [k, v] of keys) {
    if (!k.startsWith("handles/")) continue;
    const id = k.slice("handles/".length);
    for (const a of (JSON.parse(v) as { ips: Array<{ ip: string; key: string }> }).ips) {
      listed.set(a.key, id);
      if (keys.get(a.key) !== id) problems.push(`handle ${id}: ${a.key} holds ${keys.get(a.key) ?? "nothing"}`);
    }
  }
  const seen = new Set<string>();
  for (const [k, v] of keys) {
    const parts = k.split("/");
    if (parts[0] !== "nodes" || parts.length !== 4) continue;
    const [, owner, block, ip] = parts as [string, string, string, string];
    if (listed.get(k) !== v) problems.push(`orphan allocation ${k} -> ${v}`);
    if (keys.get(`claims/${block}`) !== owner) problems.push(`${k}: block claimed by ${keys.get(`claims/${block}`) ?? "nobody"}`);
    if (!keys.has(`nodes/${owner}/${block}`)) problems.push(`${k}: no marker`);
    if (!cidrContains(parseBlockName(block)!, parseIP(ip)!)) problems.push(`${k}: address outside its block`);
    if (seen.has(ip)) problems.push(`${ip} allocated twice`);
    seen.add(ip);
  }
  return problems;
}

/** Allocation keys (nodes/<owner>/<block>/<ip>) and handles of a pool. */
export function allocations(keys: Map<string, string>): string[] {
  return [...keys.keys()].filter((k) => k.startsWith("nodes/") && k.split("/").length === 4);
}
export function handles(keys: Map<string, string>): string[] {
  return [...keys.keys()].filter((k) => k.startsWith("handles/"));
}
