import { dirname } from "node:path";
import { describe, expect, it } from "vitest";
import { exec, leftovers } from "@tscni/testing";
import { distPath } from "@tscni/testing/repo";

// `tscni demo --cluster` (packages/runtime/src/cli/demo-cluster.ts) with the built executables.
describe("tscni demo --cluster", () => {
  it("two nodes share one range: each allocates in blocks it claimed, an ADD survives the etcd leader's kill -9, everything is removed", async () => {
    const r = await exec([distPath("tscni"), "demo", "--cluster"], { env: { PATH: process.env.PATH }, timeoutMs: 120_000 });
    expect(r.exitCode, r.stdout + r.stderr).toBe(0);
    // the plugins beside the tscni it ran: dist/bin, or the multi-call file's names in dist/multi
    expect(r.stdout).toContain(`plugins from ${dirname(distPath("cluster-ipam"))}\n`);
    const prefix = /start with (tscni-demo-[0-9a-f]+-)/.exec(r.stdout)![1]!;
    const blocks = [...r.stdout.matchAll(/block (\S+)\s+owner (node-[ab])\s+(\d+)\/(\d+) used/g)].map((m) => [m[1], m[2], Number(m[3])]);
    expect(blocks.map((b) => b[1]).sort()).toEqual(["node-a", "node-b"]);
    expect(blocks.every((b) => b[2] === 2)).toBe(true);
    const addrs = [...r.stdout.matchAll(/^ {4}(10\.251\.0\.\d+)\/24 via 10\.251\.0\.1 on eth0$/gm)].map((m) => m[1]);
    expect(new Set(addrs).size).toBe(5);
    expect(r.stdout).toMatch(/kill -9 the etcd leader \(m\d\), then ADD node-b container 3/);
    expect(r.stdout).toContain("range 10.251.0.1-10.251.0.254: 0 used, 253 free\n    no blocks claimed");
    expect(r.stdout).toContain("cleaned up: etcd members, namespaces, tmpfs and state removed");
    expect(leftovers(prefix)).toEqual({ netns: [], mounts: [], tmpDirs: [] });
  });
});
