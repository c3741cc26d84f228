import { existsSync, readFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { execa } from "execa";
import { afterEach, describe, expect, it } from "vitest";
import { nodeTs } from "@tscni/testing/repo";
import { World } from "./helpers/env.js";

let w: World;
const pids: number[] = [];
afterEach(() => {
  for (const p of pids.splice(0)) {
    try {
      process.kill(p, "SIGKILL");
    } catch {}
  }
  w?.remove();
});
const att = (cid: string, network = "net1") => ({ network, containerId: cid, ifName: "eth0", netns: `/var/run/netns/fake-${cid}` });

async function until(cond: () => boolean, what: string): Promise<void> {
  for (let i = 0; i < 500; i++) {
    if (cond()) return;
    await new Promise((r) => setTimeout(r, 20));
  }
  throw new Error(`timed out waiting for ${what}`);
}

describe("locking (docs/lifecycle.md serialisation)", () => {
  it("ADDs of distinct attachments run in parallel, and all wait while a GC holds the network", async () => {
    w = new World();
    const barrier = join(w.root, "barrier");
    // ADD of each container blocks until all three ADDs are inside the plugin at once:
    // if the runtime serialised them, the barrier would time out and ADD would fail.
    w.writeList("net1", [{ type: "fake-a", sleepMs: { GC: 1500 }, barrier: { ADD: { dir: barrier, count: 3 } } }]);
    const rt = w.runtime();
    await rt.init("net1");
    w.clearLog();
    const gc = rt.gc("net1", []);
    await until(() => w.calls().some((c) => c.cmd === "GC"), "GC to start");
    const adds = Promise.all(["c1", "c2", "c3"].map((c) => rt.add(att(c))));
    await Promise.all([gc, adds]);
    const order = w.calls().map((c) => `${c.phase} ${c.cmd}`);
    // GC ran alone: it ended before the first ADD started
    expect(order.indexOf("end GC")).toBeLessThan(order.indexOf("start ADD"));
    expect(order.filter((o) => o === "end ADD")).toHaveLength(3);
  });

  it("GC waits for running ADDs to finish (stop the world)", async () => {
    w = new World();
    const barrier = join(w.root, "barrier");
    w.writeList("net1", [{ type: "fake-a", barrier: { ADD: { dir: barrier, count: 2 } }, sleepMs: { ADD: 300 } }]);
    const rt = w.runtime();
    await rt.init("net1");
    w.clearLog();
    const adds = Promise.all(["c1", "c2"].map((c) => rt.add(att(c))));
    await until(() => w.calls().filter((c) => c.cmd === "ADD").length === 2, "both ADDs to start");
    await Promise.all([adds, rt.gc("net1", [{ containerID: "c1", ifname: "eth0" }, { containerID: "c2", ifname: "eth0" }])]);
    const order = w.calls().map((c) => `${c.phase} ${c.cmd}`);
    expect(order.lastIndexOf("end ADD")).toBeLessThan(order.indexOf("start GC"));
  });

  it("two networks (sharing a bridge name) INIT at the same time: different networks do not block each other", async () => {
    w = new World();
    const barrier = join(w.root, "barrier");
    for (const n of ["net1", "net2"]) w.writeList(n, [{ type: "fake-a", bridge: "cni-shared0", barrier: { INIT: { dir: barrier, count: 2 } } }]);
    const rt = w.runtime();
    const report = await Promise.all([rt.init("net1"), rt.init("net2")]);
    expect(report).toHaveLength(2);
    expect(rt.networks().map((n) => `${n.name}:${n.phase}`)).toEqual(["net1:initialised", "net2:initialised"]);
  });

  it("concurrent first ADDs of one network INIT it exactly once", async () => {
    w = new World();
    w.writeList("net1", [{ type: "fake-a", sleepMs: { INIT: 300 } }]);
    const rt = w.runtime();
    const rt2 = w.runtime(); // a second runtime instance, as a second process would be
    await Promise.all([rt.add(att("c1")), rt2.add(att("c2")), rt.add(att("c3"))]);
    expect(w.done().filter((c) => c.startsWith("INIT"))).toEqual(["INIT fake-a"]);
  });

  it("a runtime killed while holding the network lock does not leave it held", async () => {
    w = new World();
    w.writeList("net1", [{ type: "fake-a", sleepMs: { GC: 60000 } }]);
    const here = dirname(fileURLToPath(import.meta.url));
    // reject: false: it ends by SIGKILL.
    const [node, ...args] = nodeTs(join(here, "helpers", "hold-gc.ts"), w.bin, w.conf, w.cache, "net1");
    const child = execa(node!, args, { stdio: "ignore", cwd: join(here, "..", "..", ".."), reject: false });
    pids.push(child.pid!);
    await until(() => w.calls().some((c) => c.cmd === "GC"), "the child's GC to start");
    pids.push(w.calls().find((c) => c.cmd === "GC")!.pid); // the hung plugin, killed in afterEach
    // while the child lives, the lock is held
    await expect(w.runtime({ lockTimeoutMs: 300 }).init("net1")).rejects.toMatchObject({ code: 11, message: expect.stringContaining("busy") });
    child.kill("SIGKILL");
    await child;
    await w.runtime({ lockTimeoutMs: 5000 }).init("net1");
    expect(existsSync(join(w.cache, "tscni", "locks", "net1.lock"))).toBe(true); // the file stays; it means nothing
    expect(readFileSync(join(w.cache, "tscni", "networks", "net1.json"), "utf8")).toContain('"initialised"');
  });
});
