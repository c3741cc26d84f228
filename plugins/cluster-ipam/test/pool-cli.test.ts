import { mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { exec } from "@tscni/testing";
import { distPath } from "@tscni/testing/repo";
import { allocations, call, fileTwoNodes, handles, ipam, poolKeys, poolProblems, type World, type WorldNode } from "./helpers.js";

// The operator commands of the tscni CLI (packages/runtime/src/cli/pool.ts), run where an
// operator would: on a node that reaches etcd (here a node netns on the fabric).
let w: World, a: WorldNode, b: WorldNode;
let confDir: string;

fileTwoNodes("tcc-", (world, na, nb) => {
  [w, a, b] = [world, na, nb];
  confDir = join(w.work, "net.d");
  mkdirSync(confDir);
  // The network as a runtime has it: a bridge delegating to cluster-ipam (nodeName is the operator's; it does not matter here).
  writeFileSync(
    join(confDir, "10-pods.conflist"),
    JSON.stringify({ cniVersion: "1.1.0", name: "pods", plugins: [{ type: "bridge", bridge: "cni0", ipam: ipam(w, a, { ranges: [[{ subnet: "10.210.0.0/24" }]], blockSize: 28 }) }] }),
  );
});

const tscni = (node: WorldNode, args: string[]) => exec(["ip", "netns", "exec", node.netns.name, distPath("tscni"), ...args, "--conf-dir", confDir], { env: { PATH: process.env.PATH } });
const pods = (node: WorldNode) => ({ cniVersion: "1.1.0", name: "pods", type: "bridge", ipam: ipam(w, node, { ranges: [[{ subnet: "10.210.0.0/24" }]], blockSize: 28 }) });

describe("tscni pool", () => {
  it("show lists blocks with owners and free counts; release-node frees a dead node's attachments and blocks", async () => {
    for (let i = 0; i < 3; i++) expect((await call(a, { command: "ADD", containerId: `a${i}` }, pods(a))).exitCode).toBe(0);
    for (let i = 0; i < 2; i++) expect((await call(b, { command: "ADD", containerId: `b${i}` }, pods(b))).exitCode).toBe(0);
    const show = await tscni(a, ["pool", "show", "pods"]);
    expect(show.exitCode, show.stderr).toBe(0);
    expect(show.stdout).toContain("pool pods: ranges 10.210.0.0/24 10.210.0.1-10.210.0.254 gw 10.210.0.1, blockSize 28/122");
    expect(show.stdout).toContain("range set 10.210.0.1-10.210.0.254: 5 used, 248 free of 253");
    expect(show.stdout).toMatch(/10\.210\.0\.\d+-28\s+node-a\s+3\/1[4-6]\s+0\s+1[1-3]/);
    expect(show.stdout).toMatch(/10\.210\.0\.\d+-28\s+node-b\s+2\/1[4-6]\s+0\s+1[2-4]/);
    expect(show.stdout).toContain("node node-a: 1 block(s), 3 attachment(s)");
    const json = JSON.parse((await tscni(a, ["pool", "show", "pods", "--json"])).stdout) as { blocks: Array<{ owner: string; used: number }>; sets: Array<{ free: number }> };
    expect(json.blocks.map((x) => [x.owner, x.used]).sort()).toEqual([["node-a", 3], ["node-b", 2]]);
    expect(json.sets[0]!.free).toBe(248);

    // node-b is gone for good: its attachments and its (then empty) block go back to the pool.
    const rel = await tscni(a, ["pool", "release-node", "pods", "node-b"]);
    expect(rel.exitCode, rel.stderr).toBe(0);
    expect(rel.stdout).toContain("pods: released 2 attachment(s) and 1 block(s) of node node-b");
    const keys = await poolKeys(w, "pods");
    expect(poolProblems(keys)).toEqual([]);
    expect(handles(keys).sort()).toEqual(["handles/node-a/a0/eth0", "handles/node-a/a1/eth0", "handles/node-a/a2/eth0"]);
    expect(allocations(keys).every((k) => k.startsWith("nodes/node-a/"))).toBe(true);
    expect([...keys.keys()].filter((k) => k.startsWith("claims/"))).toHaveLength(1);
  });

  it("a network without cluster-ipam, or a missing one, is a clear error", async () => {
    writeFileSync(join(confDir, "20-other.conflist"), JSON.stringify({ cniVersion: "1.1.0", name: "other", plugins: [{ type: "loopback" }] }));
    const other = await tscni(a, ["pool", "show", "other"]);
    expect(other.exitCode).toBe(1);
    expect(other.stderr).toContain("network other");
    expect(other.stderr).toContain("has no plugin with ipam type cluster-ipam");
    const usage = await tscni(a, ["pool", "release-node", "pods"]);
    expect(usage.exitCode).toBe(1);
    expect(usage.stderr).toContain("usage: tscni pool show NAME");
  });
});
