import { readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { allocations, call, fileTwoNodes, handles, netConf, poolKeys, poolProblems, TARGETS, type World, type WorldNode } from "./helpers.js";

// Every verb through the built executables (standalone, and the node bundle under node),
// run in node netns against a real three-member etcd. Each test has its own network, i.e.
// its own pool.
let w: World, a: WorldNode, b: WorldNode;
fileTwoNodes("tcx-", (...nodes) => void ([w, a, b] = nodes));
let seq = 0;
const net = () => `x${seq++}`;

describe.each(TARGETS)("cluster-ipam %s", (target) => {
  it("ADD gives one address per range set in the result's version, DEL releases it, both idempotent", async () => {
    const n = net();
    for (const v of ["0.3.1", "0.4.0", "1.0.0", "1.1.0"]) {
      const conf = netConf(w, a, n, { ranges: [[{ subnet: "10.200.0.0/16" }], [{ subnet: "fd20::/64" }]], routes: [{ dst: "0.0.0.0/0" }] }, {}, v);
      const id = `v${v.replace(/\./g, "")}`;
      const r = await call(a, { command: "ADD", containerId: id }, conf, target);
      expect(r.exitCode, r.stdout + r.stderr).toBe(0);
      expect(r.json.cniVersion).toBe(v);
      const [v4, v6] = r.json.ips as Array<{ address: string; gateway: string }>;
      expect(v4!.address).toMatch(/^10\.200\.\d+\.\d+\/16$/);
      expect(v4!.gateway).toBe("10.200.0.1");
      expect(v6!.address).toMatch(/^fd20::[0-9a-f:]+\/64$/);
      expect(r.json.routes).toEqual([{ dst: "0.0.0.0/0" }]);
      // Retried: the same addresses, nothing new written.
      const again = await call(a, { command: "ADD", containerId: id }, conf, target);
      expect(again.json.ips).toEqual(r.json.ips);
    }
    let keys = await poolKeys(w, n);
    expect(handles(keys)).toHaveLength(4);
    expect(allocations(keys)).toHaveLength(8);
    expect(poolProblems(keys)).toEqual([]);
    for (const v of ["0.3.1", "0.4.0", "1.0.0", "1.1.0"]) {
      const conf = netConf(w, a, n, { ranges: [[{ subnet: "10.200.0.0/16" }], [{ subnet: "fd20::/64" }]] }, {}, v);
      for (let i = 0; i < 2; i++) expect((await call(a, { command: "DEL", containerId: `v${v.replace(/\./g, "")}` }, conf, target)).exitCode).toBe(0);
    }
    keys = await poolKeys(w, n);
    expect(handles(keys)).toEqual([]);
    expect(allocations(keys)).toEqual([]);
  });

  it("CHECK passes for a held address and fails with code 3 after DEL or for an address not held", async () => {
    const n = net();
    const conf = netConf(w, a, n);
    const r = await call(a, { command: "ADD", containerId: "c1" }, conf, target);
    const prev = { ...conf, prevResult: r.json };
    expect((await call(a, { command: "CHECK", containerId: "c1" }, prev, target)).exitCode).toBe(0);
    const foreign = { ...conf, prevResult: { ...r.json, ips: [{ address: "10.200.99.99/16", gateway: "10.200.0.1" }] } };
    const bad = await call(a, { command: "CHECK", containerId: "c1" }, foreign, target);
    expect(bad.json).toMatchObject({ code: 999 });
    expect(bad.json.msg).toContain("10.200.99.99");
    await call(a, { command: "DEL", containerId: "c1" }, conf, target);
    expect((await call(a, { command: "CHECK", containerId: "c1" }, prev, target)).json).toMatchObject({ code: 999 });
  });
});

describe("cluster-ipam verbs", () => {
  it("requested addresses from CNI_ARGS IP=, args.cni.ips and runtimeConfig.ips are honoured or refused clearly", async () => {
    const n = net();
    const conf = (top: Record<string, unknown> = {}) => netConf(w, a, n, {}, top);
    let r = await call(a, { command: "ADD", containerId: "r1", args: "IgnoreUnknown=1;K8S_POD_NAME=p;IP=10.200.7.7" }, conf());
    expect(r.json.ips[0].address).toBe("10.200.7.7/16");
    r = await call(a, { command: "ADD", containerId: "r2" }, conf({ args: { cni: { ips: ["10.200.7.8"] } } }));
    expect(r.json.ips[0].address).toBe("10.200.7.8/16");
    r = await call(b, { command: "ADD", containerId: "r3" }, netConf(w, b, n, {}, { runtimeConfig: { ips: ["10.200.7.9/16"] } }));
    expect(r.json.ips[0].address).toBe("10.200.7.9/16"); // node-b borrows it from node-a's block
    const keys = await poolKeys(w, n);
    expect(keys.get("nodes/node-a/10.200.7.0-26/10.200.7.9")).toBe("node-b/r3/eth0");
    const refusals: Array<[Record<string, unknown>, string | undefined, number, RegExp]> = [
      [conf({ runtimeConfig: { ips: ["10.200.7.7"] } }), undefined, 11, /10\.200\.7\.7 is not available/],
      [conf({ runtimeConfig: { ips: ["10.200.0.1"] } }), undefined, 7, /gateway/],
      [conf({ runtimeConfig: { ips: ["10.99.0.5"] } }), undefined, 7, /10\.99\.0\.5/],
      [conf(), "K8S_POD_NAME=p", 4, /unknown args/],
    ];
    for (const [c, args, code, msg] of refusals) {
      r = await call(a, { command: "ADD", containerId: "r4", ...(args ? { args } : {}) }, c);
      expect(r.exitCode).toBe(1);
      expect(r.json.code).toBe(code);
      expect(r.json.msg).toMatch(msg);
    }
    expect(handles(await poolKeys(w, n)).filter((k) => k.includes("/r4/"))).toEqual([]);
  });

  it("GC releases this node's attachments not listed, never another node's; without the list it is code 7 naming the key", async () => {
    const n = net();
    for (const id of ["g1", "g2", "g3"]) await call(a, { command: "ADD", containerId: id }, netConf(w, a, n));
    await call(b, { command: "ADD", containerId: "g9" }, netConf(w, b, n));
    const missing = await call(a, { command: "GC" }, netConf(w, a, n));
    expect(missing.json).toMatchObject({ code: 7 });
    expect(missing.json.msg).toContain("cni.dev/valid-attachments");
    const gc = await call(a, { command: "GC" }, netConf(w, a, n, {}, { "cni.dev/valid-attachments": [{ containerID: "g2", ifname: "eth0" }] }));
    expect(gc.exitCode, gc.stdout).toBe(0);
    const keys = await poolKeys(w, n);
    expect(handles(keys).sort()).toEqual(["handles/node-a/g2/eth0", "handles/node-b/g9/eth0"]);
    expect(allocations(keys)).toHaveLength(2);
    expect(poolProblems(keys)).toEqual([]);
  });

  it("INIT creates the pool, a second node's INIT with another block size is code 7 naming both; DEINIT releases this node's empty blocks", async () => {
    const n = net();
    expect((await call(a, { command: "INIT" }, netConf(w, a, n))).exitCode).toBe(0);
    expect(JSON.parse((await poolKeys(w, n)).get("pool")!)).toEqual({
      ranges: [[{ subnet: "10.200.0.0/16", rangeStart: "10.200.0.1", rangeEnd: "10.200.255.254", gateway: "10.200.0.1" }]], blockSize: 26, blockSizeV6: 122,
    });
    const mismatch = await call(b, { command: "INIT" }, netConf(w, b, n, { blockSize: 24 }));
    expect(mismatch.json).toMatchObject({ code: 7 });
    expect(mismatch.json.msg).toContain("blockSize 26/122; this config has");
    expect(mismatch.json.msg).toContain("blockSize 24/122");
    expect((await call(b, { command: "INIT" }, netConf(w, b, n))).exitCode).toBe(0);
    await call(a, { command: "ADD", containerId: "d1" }, netConf(w, a, n));
    await call(a, { command: "ADD", containerId: "d2" }, netConf(w, a, n, {}, { runtimeConfig: { ips: ["10.200.200.10"] } }));
    await call(a, { command: "DEL", containerId: "d2" }, netConf(w, a, n));
    expect((await call(a, { command: "DEINIT" }, netConf(w, a, n))).exitCode).toBe(0);
    const claims = [...(await poolKeys(w, n)).keys()].filter((k) => k.startsWith("claims/"));
    expect(claims).toHaveLength(1); // the block of d1 stays, the emptied one of d2 went
    expect(claims[0]).not.toBe("claims/10.200.200.0-26");
  });

  it("STATUS: available, then code 50 when the range is exhausted", async () => {
    const n = net();
    const small = { ranges: [[{ subnet: "10.201.0.0/29" }]], blockSize: 30 }; // .2-.6 usable
    expect((await call(a, { command: "STATUS" }, netConf(w, a, n, small))).exitCode).toBe(0);
    for (let i = 0; i < 5; i++) expect((await call(a, { command: "ADD", containerId: `s${i}` }, netConf(w, a, n, small))).exitCode).toBe(0);
    const full = await call(a, { command: "ADD", containerId: "s5" }, netConf(w, a, n, small));
    expect(full.json).toMatchObject({ code: 11, msg: "no IP addresses available in range set: 10.201.0.1-10.201.0.6" });
    const status = await call(b, { command: "STATUS" }, netConf(w, b, n, small));
    expect(status.json).toMatchObject({ code: 50, msg: "no IP addresses available in range set: 10.201.0.1-10.201.0.6" });
  });

  it("bad config is code 7 naming the key, before anything talks to etcd", async () => {
    const n = net();
    const cases: Array<[Record<string, unknown>, RegExp]> = [
      [{ etcd: { endpoints: [] } }, /ipam\.etcd\.endpoints: empty/],
      [{ etcd: { endpoints: ["ftp://x"] } }, /ipam\.etcd\.endpoints\[0\]/],
      [{ blockSize: 40 }, /ipam\.blockSize: 40/],
      [{ nodeName: "a/b" }, /ipam\.nodeName/],
      [{ etcd: { username: "u" } }, /username and passwordFile go together/],
      [{ ranges: [[{ subnet: "10.0.0.0/16", rangeEnd: "10.0.0.20" }], [{ subnet: "10.0.0.0/16", rangeStart: "10.0.0.30" }]] }, /would share blocks/],
    ];
    for (const [extra, msg] of cases) {
      const r = await call(a, { command: "ADD", containerId: "bad", env: { TSCNI_ETCD_STATS: join(w.work, "bad-stats") } }, netConf(w, a, n, extra));
      expect(r.json?.code, r.stdout + r.stderr).toBe(7);
      expect(r.json.msg).toMatch(msg);
    }
    const noEtcd = await call(a, { command: "ADD", containerId: "bad" }, { cniVersion: "1.1.0", name: n, ipam: { type: "cluster-ipam", ranges: [[{ subnet: "10.0.0.0/24" }]] } });
    expect(noEtcd.json.code).toBe(7);
    expect(noEtcd.json.msg).toMatch(/ipam\.etcd/);
    expect(() => readFileSync(join(w.work, "bad-stats"))).toThrow(); // never got as far as making a client
  });

  it("steady state: two etcd requests per ADD once the node has its block (TSCNI_ETCD_STATS)", async () => {
    const n = net();
    const stats = join(w.work, `stats-${n}`);
    for (let i = 0; i < 4; i++) await call(a, { command: "ADD", containerId: `q${i}`, env: { TSCNI_ETCD_STATS: stats } }, netConf(w, a, n));
    await call(a, { command: "DEL", containerId: "q0", env: { TSCNI_ETCD_STATS: stats } }, netConf(w, a, n));
    expect(readFileSync(stats, "utf8").trim().split("\n")).toEqual(["ADD 3 0", "ADD 2 0", "ADD 2 0", "ADD 2 0", "DEL 2 0"]);
  });
});
