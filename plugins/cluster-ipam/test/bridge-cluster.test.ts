import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { cidrContains, parseCIDR, parseIP } from "@tscni/types/ip";
import { createNetns, deleteNetns, exec, runExecutable, type Netns } from "@tscni/testing";
import { distPath } from "@tscni/testing/repo";
import { parseBlockName } from "@tscni/cluster-pool";
import { allocations, fileWorld, handles, ipam, poolKeys, poolProblems, type Run, type World, type WorldNode } from "./helpers.js";

// Four "nodes" (host netns on the etcd fabric), each running our bridge with cluster-ipam
// as its IPAM plugin, exec'd from CNI_PATH like any IPAM plugin.
const PREFIX = "tcb-";
const PER_NODE = 16;
let w: World;
const containers = new Map<string, Netns>();
fileWorld({ prefix: PREFIX, nodes: 4 }, async (world) => {
  w = world;
  for (const n of w.nodes) for (let i = 0; i < PER_NODE; i++) containers.set(`${n.name}-${i}`, await createNetns(PREFIX, "k"));
});
// Registered after fileWorld's, so it runs first (vitest runs afterAll hooks in reverse): containers before the world.
afterAll(async () => {
  for (const ns of containers.values()) await deleteNetns(ns.name);
});

function bridgeConf(node: WorldNode, network: string): Record<string, unknown> {
  return {
    cniVersion: "1.1.0",
    name: network,
    type: "bridge",
    bridge: "cni0",
    isGateway: true,
    stateDir: join(w.work, `state-${node.name}`),
    // Generous: 64 plugin processes start at once on two cores.
    ipam: ipam(w, node, { etcd: { timeoutMs: 20_000 } }),
  };
}

function bridge(node: WorldNode, command: string, id: string, network: string, target: "bin" | "node" = "bin"): Promise<Run> {
  const env: Record<string, string> = { CNI_COMMAND: command, CNI_PATH: join(distPath("bridge", target === "bin" ? "standalone" : "node"), "..") };
  if (command === "ADD" || command === "DEL" || command === "CHECK") {
    env.CNI_CONTAINERID = id;
    env.CNI_IFNAME = "eth0";
    env.CNI_NETNS = containers.get(id)!.path;
  }
  return runExecutable(distPath("bridge", target === "bin" ? "standalone" : "node"), {
    env,
    stdin: bridgeConf(node, network),
    netns: node.netns.name,
    ...(target === "node" ? { interpreter: process.execPath } : {}),
    timeoutMs: 60_000,
  });
}

async function containerAddr(id: string): Promise<string | undefined> {
  const r = await exec(["ip", "-n", containers.get(id)!.name, "-j", "-4", "addr", "show", "dev", "eth0"]);
  const j = JSON.parse(r.stdout || "[]") as Array<{ addr_info: Array<{ local: string; prefixlen: number }> }>;
  const a = j[0]?.addr_info[0];
  return a ? `${a.local}/${a.prefixlen}` : undefined;
}

describe("bridge + cluster-ipam on four nodes", () => {
  it("64 concurrent ADDs (16 per node) get distinct addresses in range, each in a block of its node or a recorded borrow; DEL of all leaves empty blocks, DEINIT none", async () => {
    const network = "cluster64";
    const jobs = w.nodes.flatMap((node) => Array.from({ length: PER_NODE }, (_, i) => ({ node, id: `${node.name}-${i}` })));
    const adds = await Promise.all(jobs.map((j) => bridge(j.node, "ADD", j.id, network)));
    adds.forEach((r, k) => expect(r.exitCode, `${jobs[k]!.id}: ${r.stdout}${r.stderr}`).toBe(0));
    const addresses = adds.map((r) => (r.json.ips as Array<{ address: string }>)[0]!.address);
    expect(new Set(addresses).size).toBe(64);
    const range = parseCIDR("10.200.0.0/16")!;
    for (const a of addresses) expect(cidrContains(range, parseCIDR(a)!.ip)).toBe(true);
    // The container really has it.
    for (const [k, j] of jobs.entries()) expect(await containerAddr(j.id)).toBe(addresses[k]);

    const keys = await poolKeys(w, network);
    expect(poolProblems(keys)).toEqual([]);
    expect(handles(keys)).toHaveLength(64);
    for (const [k, j] of jobs.entries()) {
      const ip = addresses[k]!.split("/")[0]!;
      const key = allocations(keys).find((x) => x.endsWith(`/${ip}`))!;
      const [, owner, block] = key.split("/") as [string, string, string];
      expect(cidrContains(parseBlockName(block)!, parseIP(ip)!)).toBe(true);
      expect(keys.get(key)).toBe(`${j.node.name}/${j.id}/eth0`);
      // Its own node's block, or a borrow recorded under the lender's block with our handle.
      if (owner !== j.node.name) expect(keys.get(`claims/${block}`)).toBe(owner);
    }
    const owners = new Set(allocations(keys).map((k) => k.split("/")[1]));
    expect(owners.size).toBe(4); // every node claimed a block of its own

    const dels = await Promise.all(jobs.map((j) => bridge(j.node, "DEL", j.id, network)));
    dels.forEach((r, k) => expect(r.exitCode, `${jobs[k]!.id}: ${r.stdout}${r.stderr}`).toBe(0));
    const after = await poolKeys(w, network);
    expect(handles(after)).toEqual([]);
    expect(allocations(after)).toEqual([]);
    expect([...after.keys()].filter((k) => k.startsWith("claims/")).length).toBeGreaterThanOrEqual(4); // blocks stay with their nodes, empty
    for (const node of w.nodes) {
      const r = await bridge(node, "DEINIT", "", network);
      expect(r.exitCode, r.stdout + r.stderr).toBe(0);
    }
    expect([...(await poolKeys(w, network)).keys()]).toEqual(["pool"]);
  });

  it("the node bundles (bridge and cluster-ipam under node) do the same", async () => {
    const network = "bundles";
    const jobs = w.nodes.slice(0, 2).flatMap((node) => [0, 1].map((i) => ({ node, id: `${node.name}-${i}` })));
    const adds = await Promise.all(jobs.map((j) => bridge(j.node, "ADD", j.id, network, "node")));
    adds.forEach((r) => expect(r.exitCode, r.stdout + r.stderr).toBe(0));
    expect(new Set(adds.map((r) => r.json.ips[0].address)).size).toBe(4);
    expect(poolProblems(await poolKeys(w, network))).toEqual([]);
    for (const j of jobs) expect((await bridge(j.node, "DEL", j.id, network, "node")).exitCode).toBe(0);
    expect(allocations(await poolKeys(w, network))).toEqual([]);
  });
});
