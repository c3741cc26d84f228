import { describe, expect, it } from "vitest";
import { allocations, call, fileTwoNodes, handles, netConf, poolKeys, poolProblems, type Run, type World, type WorldNode } from "./helpers.js";
import { killAfterRequest } from "./kill-proxy.js";

// Failures: etcd members killed (-9) while ADDs run, quorum lost and regained, and the
// plugin itself killed (-9) mid-ADD at fixed points (by a proxy, once each of its etcd
// requests has been answered by etcd: kill-proxy.ts) and at fixed-seed delays. Nothing may be left that DEL or GC cannot release, and
// no attachment may ever hold two addresses of one range set.
let w: World, a: WorldNode, b: WorldNode;
fileTwoNodes("tcf-", (...nodes) => void ([w, a, b] = nodes));

/** Every handle holds exactly one address (one range set), and the pool's invariants hold. */
async function sound(network: string): Promise<Map<string, string>> {
  const keys = await poolKeys(w, network);
  expect(poolProblems(keys)).toEqual([]);
  for (const h of handles(keys)) expect((JSON.parse(keys.get(h)!) as { ips: unknown[] }).ips, h).toHaveLength(1);
  return keys;
}

/** mulberry32: the same delays on every run. */
function seeded(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (s + 0x6d2b79f5) >>> 0;
    let t = s;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

describe("etcd members killed", () => {
  it("kill -9 of the leader while 24 ADDs run: every ADD succeeds", async () => {
    const n = "m1";
    const conf = (node: WorldNode) => netConf(w, node, n, { etcd: { timeoutMs: 10_000 } });
    const jobs = [a, b].flatMap((node) => Array.from({ length: 12 }, (_, i) => ({ node, id: `${node.name}-${i}` })));
    const leader = await w.etcd.leader();
    const running = Promise.all(jobs.map((j) => call(j.node, { command: "ADD", containerId: j.id }, conf(j.node))));
    await new Promise((r) => setTimeout(r, 150));
    await w.etcd.kill(leader);
    let runs: Run[];
    try {
      runs = await running;
    } finally {
      w.etcd.startMember(leader);
      await w.etcd.waitReady();
    }
    runs.forEach((r, k) => expect(r.exitCode, `${jobs[k]!.id}: ${r.stdout}${r.stderr}`).toBe(0));
    expect(new Set(runs.map((r) => r.json.ips[0].address)).size).toBe(24);
    const keys = await sound(n);
    expect(handles(keys)).toHaveLength(24);
  });

  it("kill -9 of two members: ADDs answer code 11 within the timeout; once they are back the same ADDs succeed with one address each, no orphan", async () => {
    const n = "m2";
    const timeoutMs = 2000;
    const jobs = [a, b].flatMap((node) => Array.from({ length: 4 }, (_, i) => ({ node, id: `${node.name}-q${i}` })));
    const conf = (node: WorldNode, t: number) => netConf(w, node, n, { etcd: { timeoutMs: t } });
    // The pool and both nodes' blocks exist before the members go.
    for (const node of [a, b]) expect((await call(node, { command: "ADD", containerId: `${node.name}-warm` }, conf(node, 5000))).exitCode).toBe(0);
    await w.etcd.kill(0);
    await w.etcd.kill(1);
    try {
      const runs = await Promise.all(
        jobs.map(async (j) => {
          const t0 = Date.now();
          const r = await call(j.node, { command: "ADD", containerId: j.id }, conf(j.node, timeoutMs));
          return { r, took: Date.now() - t0 };
        }),
      );
      for (const { r, took } of runs) {
        expect(r.json?.code, r.stdout + r.stderr).toBe(11);
        // Within the timeout by the plugin's own clock (its budget starts once it runs) ...
        const gaveUp = Number(/etcd unavailable: .* \(gave up (\d+) ms after the call began\)/.exec(r.json.msg)![1]);
        expect(gaveUp).toBeGreaterThanOrEqual(timeoutMs);
        expect(gaveUp).toBeLessThan(timeoutMs + 1000);
        // ... and by ours, with room for eight processes starting at once on a busy machine.
        expect(took).toBeLessThan(timeoutMs + 15_000);
      }
      // STATUS says why: no quorum.
      const st = await call(a, { command: "STATUS" }, conf(a, timeoutMs));
      expect(st.json).toMatchObject({ code: 50 });
    } finally {
      w.etcd.startMember(0);
      w.etcd.startMember(1);
      await w.etcd.waitReady();
    }
    const again = await Promise.all(jobs.map((j) => call(j.node, { command: "ADD", containerId: j.id }, conf(j.node, 10_000))));
    again.forEach((r, k) => expect(r.exitCode, `${jobs[k]!.id}: ${r.stdout}${r.stderr}`).toBe(0));
    const keys = await sound(n);
    expect(handles(keys)).toHaveLength(jobs.length + 2);
    expect(allocations(keys)).toHaveLength(jobs.length + 2);
  });
});

describe("the plugin killed mid-ADD", () => {
  // A fresh node's first ADD sends: 1 the read, 2 the claims list, 3 the write; a later ADD: 1 the read, 2 the write.
  const POINTS: Array<[string, number]> = [
    ["first ADD, after the read", 1],
    ["first ADD, after the claims list", 2],
    ["first ADD, after the write", 3],
  ];

  it.each(POINTS)("%s: nothing half-written; DEL releases what is there; a retried ADD gets the same address", async (_, point) => {
    const n = `k${point}`;
    const conf = netConf(w, a, n);
    const proxy = await killAfterRequest(w, point);
    let r: Run;
    try {
      r = await call(a, { command: "ADD", containerId: "victim", env: proxy.env }, netConf(w, a, n, { etcd: { endpoints: [proxy.endpoint] } }));
    } finally {
      await proxy.close();
    }
    expect(r.signal).toBe("SIGKILL");
    expect(proxy.requests()).toBe(point);
    const keys = await sound(n);
    const held = keys.get("handles/node-a/victim/eth0");
    // The proxy kills once etcd has answered: after the write, the attachment is complete.
    expect(Boolean(held)).toBe(point === 3);
    // The write is one transaction: it is there completely or not at all.
    expect(allocations(keys)).toHaveLength(held ? 1 : 0);
    const retry = await call(a, { command: "ADD", containerId: "victim" }, conf);
    expect(retry.exitCode, retry.stdout).toBe(0);
    if (held) expect(retry.json.ips[0].address.split("/")[0]).toBe((JSON.parse(held) as { ips: Array<{ ip: string }> }).ips[0]!.ip);
    expect(allocations(await sound(n))).toHaveLength(1);
    expect((await call(a, { command: "DEL", containerId: "victim" }, conf)).exitCode).toBe(0);
    const after = await sound(n);
    expect(handles(after)).toEqual([]);
    expect(allocations(after)).toEqual([]);
  });

  it("steady-state ADDs killed after their read or their write, and at 24 fixed-seed delays: GC or DEL leaves no stale record", async () => {
    const n = "kdelays";
    const conf = (valid: string[] = []) =>
      netConf(w, b, n, {}, { "cni.dev/valid-attachments": valid.map((containerID) => ({ containerID, ifname: "eth0" })) });
    expect((await call(b, { command: "ADD", containerId: "keep" }, conf())).exitCode).toBe(0);
    const rand = seeded(0x15c1);
    const victims: Array<{ id: string; killAfter?: number; timeoutMs?: number }> = [
      { id: "p1", killAfter: 1 },
      { id: "p2", killAfter: 2 },
      ...Array.from({ length: 24 }, (_, i) => ({ id: `d${i}`, timeoutMs: 5 + Math.floor(rand() * 120) })),
    ];
    let killed = 0;
    for (const [i, v] of victims.entries()) {
      const proxy = v.killAfter ? await killAfterRequest(w, v.killAfter) : undefined;
      let r: Run;
      try {
        const victimConf = proxy ? netConf(w, b, n, { etcd: { endpoints: [proxy.endpoint] } }) : conf();
        r = await call(b, { command: "ADD", containerId: v.id, env: proxy?.env ?? {}, ...(v.timeoutMs ? { timeoutMs: v.timeoutMs } : {}) }, victimConf);
      } finally {
        await proxy?.close();
      }
      if (proxy) expect(r.signal, `${v.id}: ${r.stdout}`).toBe("SIGKILL");
      if (r.signal === "SIGKILL") killed++;
      else expect(r.exitCode, r.stdout).toBe(0); // finished before its delay
      await sound(n);
      // Recovery alternates between the runtime's two tools: DEL of the attachment, or GC.
      const rec = i % 2 === 0 ? await call(b, { command: "DEL", containerId: v.id }, conf()) : await call(b, { command: "GC" }, conf(["keep"]));
      expect(rec.exitCode, rec.stdout).toBe(0);
      const keys = await sound(n);
      expect(handles(keys)).toEqual(["handles/node-b/keep/eth0"]);
      expect(allocations(keys)).toHaveLength(1);
    }
    expect(killed).toBeGreaterThanOrEqual(2); // at least the two fixed points; most delays land mid-ADD too
  });
});
