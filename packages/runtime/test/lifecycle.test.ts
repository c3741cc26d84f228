import { existsSync, readFileSync, rmSync, unlinkSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { cacheFile, readState } from "../src/index.js";
import { World } from "./helpers/env.js";

let w: World;
afterEach(() => w?.remove());
const att = (cid: string, network = "net1") => ({ network, containerId: cid, ifName: "eth0", netns: `/var/run/netns/fake-${cid}` });

describe("ADD / DEL / CHECK chains", () => {
  it("ADD runs the list in order with prevResult chaining, the CNI env, and caches in libcni's format", async () => {
    w = new World();
    w.writeList("net1", [{ type: "fake-a", capabilities: { portMappings: true } }, { type: "fake-b" }]);
    const rt = w.runtime();
    const result = await rt.add({ ...att("c1"), cniArgs: [["K8S_POD_NAME", "p"]], capabilityArgs: { portMappings: [{ hostPort: 80 }], other: 1 } });
    expect(result).toMatchObject({ cniVersion: "1.1.0", interfaces: [{ name: "fake-a-eth0" }, { name: "fake-b-eth0" }] });
    const adds = w.calls().filter((c) => c.cmd === "ADD" && c.phase === "start");
    expect(adds.map((c) => c.type)).toEqual(["fake-a", "fake-b"]);
    expect(adds[0]!.env).toEqual({ CNI_COMMAND: "ADD", CNI_CONTAINERID: "c1", CNI_NETNS: "/var/run/netns/fake-c1", CNI_IFNAME: "eth0", CNI_ARGS: "K8S_POD_NAME=p", CNI_PATH: w.bin });
    expect(adds[0]!.conf).not.toHaveProperty("prevResult");
    expect(adds[0]!.conf.runtimeConfig).toEqual({ portMappings: [{ hostPort: 80 }] });
    expect(adds[1]!.conf.prevResult).toEqual({ cniVersion: "1.1.0", interfaces: [{ name: "fake-a-eth0" }] });
    const file = JSON.parse(readFileSync(cacheFile(w.cache, "net1", "c1", "eth0"), "utf8"));
    expect(file).toMatchObject({ kind: "cniCacheV1", containerId: "c1", ifName: "eth0", networkName: "net1", netns: "/var/run/netns/fake-c1", cniArgs: [["K8S_POD_NAME", "p"]], result: { interfaces: [{ name: "fake-a-eth0" }, { name: "fake-b-eth0" }] } });
    expect(JSON.parse(Buffer.from(file.config, "base64").toString())).toMatchObject({ name: "net1" }); // Go []byte = base64
  });

  it("DEL runs in reverse with the cached result and the cached config, then drops the cache entry", async () => {
    w = new World();
    w.writeList("net1", [{ type: "fake-a", marker: "old" }, { type: "fake-b" }]);
    const rt = w.runtime();
    await rt.add(att("c1"));
    w.writeList("net1", [{ type: "fake-c", marker: "new" }]); // config changed after ADD
    w.clearLog();
    await rt.del({ network: "net1", containerId: "c1", ifName: "eth0" });
    const dels = w.calls().filter((c) => c.phase === "start");
    expect(dels.map((c) => `${c.cmd} ${c.type}`)).toEqual(["DEL fake-b", "DEL fake-a"]);
    expect(dels[0]!.conf.prevResult).toMatchObject({ cniVersion: "1.1.0", interfaces: [{ name: "fake-a-eth0" }, { name: "fake-b-eth0" }] });
    expect(dels[0]!.env.CNI_NETNS).toBe("/var/run/netns/fake-c1"); // from the cache
    expect(existsSync(cacheFile(w.cache, "net1", "c1", "eth0"))).toBe(false);
    // DEL of something never added uses the current config and succeeds (DEL is idempotent)
    w.clearLog();
    await rt.del({ network: "net1", containerId: "c9", ifName: "eth0" });
    expect(w.done()).toEqual(["DEL fake-c"]);
  });

  it("the cached result is converted to the network's current cniVersion for prevResult", async () => {
    w = new World();
    w.writeList("net1", [{ type: "fake-a" }], { cniVersion: "1.0.0" });
    const rt = w.runtime();
    await rt.add(att("c1"));
    w.writeList("net1", [{ type: "fake-a" }], { cniVersion: "0.4.0" });
    w.clearLog();
    await rt.check(att("c1"));
    expect(w.calls()[0]!.conf.prevResult).toMatchObject({ cniVersion: "0.4.0" });
  });

  it("CHECK passes the cached result; disableCheck skips every plugin; 0.3.1 lists cannot CHECK", async () => {
    w = new World();
    w.writeList("net1", [{ type: "fake-a" }]);
    const rt = w.runtime();
    await rt.add(att("c1"));
    w.clearLog();
    await rt.check(att("c1"));
    expect(w.calls().find((c) => c.cmd === "CHECK")!.conf.prevResult).toMatchObject({ interfaces: [{ name: "fake-a-eth0" }] });
    w.writeList("net1", [{ type: "fake-a" }], { disableCheck: true });
    w.clearLog();
    await rt.check(att("c1"));
    expect(w.calls()).toEqual([]);
    w.writeList("old", [{ type: "fake-a" }], { cniVersion: "0.3.1" });
    await expect(rt.check(att("c1", "old"))).rejects.toMatchObject({ code: 1 });
  });

  it("propagates a plugin's error code and message, and caches nothing on a failed ADD", async () => {
    w = new World();
    w.writeList("net1", [{ type: "fake-a" }, { type: "fake-b", fail: { ADD: { code: 7, msg: "bad bridge name" } } }]);
    const rt = w.runtime();
    await expect(rt.add(att("c1"))).rejects.toMatchObject({ code: 7, message: "bad bridge name", plugin: "fake-b", command: "ADD", index: 1 });
    expect(rt.attachments()).toEqual([]);
  });

  it("an ADD failing at plugin k is followed by DEL of the whole list in reverse, and nothing is cached", async () => {
    w = new World();
    w.writeList("net1", [{ type: "fake-a" }, { type: "fake-b", fail: { ADD: { code: 7, msg: "no" } } }, { type: "fake-c" }]);
    const rt = w.runtime();
    await expect(rt.add(att("c1"))).rejects.toMatchObject({ code: 7, plugin: "fake-b" });
    expect(w.done().filter((c) => !c.startsWith("INIT"))).toEqual(["ADD fake-a", "DEL fake-c", "DEL fake-b", "DEL fake-a"]);
    const del = w.calls().find((c) => c.cmd === "DEL" && c.type === "fake-a")!;
    expect(del.env).toMatchObject({ CNI_CONTAINERID: "c1", CNI_IFNAME: "eth0", CNI_NETNS: "/var/run/netns/fake-c1" });
    expect(del.conf).not.toHaveProperty("prevResult"); // nothing was cached to give
    expect(rt.attachments()).toEqual([]);
  });

  it("a DEL failing during that undo rides on the ADD's error", async () => {
    w = new World();
    w.writeList("net1", [{ type: "fake-a", fail: { DEL: { code: 5, msg: "disk gone" } } }, { type: "fake-b", fail: { ADD: { code: 7, msg: "no" } } }]);
    await expect(w.runtime().add(att("c1"))).rejects.toMatchObject({ code: 7, plugin: "fake-b", cleanupError: { code: 5, message: "disk gone" } });
  });

  it.each([
    ["no output", ""],
    ["output that is not JSON", "not json"],
    ["a result with a bad address", JSON.stringify({ cniVersion: "1.1.0", ips: [{ address: "10.1.2.300/24" }] })],
    ["a result of an unknown version", JSON.stringify({ cniVersion: "9.9.9", interfaces: [] })],
  ])("ADD output that is not a Result (%s) fails the call naming the plugin, undoes the chain, caches nothing", async (_what, text) => {
    w = new World();
    w.writeList("net1", [{ type: "fake-a" }, { type: "fake-b", badResult: { ADD: text } }]);
    const rt = w.runtime();
    await expect(rt.add(att("c1"))).rejects.toMatchObject({ code: 6, plugin: "fake-b", command: "ADD", index: 1, message: expect.stringContaining("fake-b") });
    expect(w.done().filter((c) => c.startsWith("DEL"))).toEqual(["DEL fake-b", "DEL fake-a"]);
    expect(rt.attachments()).toEqual([]);
  });

  it("an ADD result without cniVersion is read as the list's version, as libcni does", async () => {
    w = new World();
    w.writeList("net1", [{ type: "fake-a", badResult: { ADD: JSON.stringify({ ips: [{ address: "10.1.2.3/24" }] }) } }], { cniVersion: "1.0.0" });
    const rt = w.runtime();
    expect(await rt.add(att("c1"))).toEqual({ cniVersion: "1.0.0", ips: [{ address: "10.1.2.3/24" }] });
    expect(rt.attachments()[0]!.result).toEqual({ cniVersion: "1.0.0", ips: [{ address: "10.1.2.3/24" }] });
  });

  it("request configs as SPEC section 3 derives them: no capabilities, runtimeConfig = declared and provided, no cni.dev/* from the file", async () => {
    w = new World();
    const stale = [{ containerID: "old", ifname: "eth0" }];
    w.writeList("net1", [
      { type: "fake-a", capabilities: { portMappings: true, mac: true, ips: false }, runtimeConfig: { fromFile: 1 }, "cni.dev/valid-attachments": stale, "cni.dev/x": 1, keep: "me" },
    ]);
    const rt = w.runtime();
    await rt.add({ ...att("c1"), capabilityArgs: { portMappings: [{ hostPort: 80 }], ips: ["10.1.0.5/24"], other: 1 } });
    await rt.add(att("c2"));
    await rt.gc("net1", [{ containerID: "c1", ifname: "eth0" }, { containerID: "c2", ifname: "eth0" }]);
    const conf = (cmd: string, i = 0) => w.calls().filter((c) => c.cmd === cmd && c.phase === "start")[i]!.conf;
    for (const c of [conf("INIT"), conf("ADD", 0), conf("ADD", 1), conf("GC")]) {
      expect(c).not.toHaveProperty("capabilities");
      expect(c).not.toHaveProperty("cni.dev/x");
      expect(c.keep).toBe("me");
      expect(c).toMatchObject({ name: "net1", cniVersion: "1.1.0", type: "fake-a" });
    }
    expect(conf("ADD", 0).runtimeConfig).toEqual({ portMappings: [{ hostPort: 80 }] }); // ips declared false, mac not provided
    expect(conf("ADD", 1)).not.toHaveProperty("runtimeConfig"); // the file's runtimeConfig never passes
    expect(conf("INIT")).not.toHaveProperty("runtimeConfig");
    expect(conf("ADD", 0)).not.toHaveProperty("cni.dev/valid-attachments");
    expect(conf("GC")["cni.dev/valid-attachments"]).toEqual([{ containerID: "c1", ifname: "eth0" }, { containerID: "c2", ifname: "eth0" }]);
  });

  it("a plugin killed mid-ADD fails the call with code 999, leaves no cache entry and no held lock", async () => {
    w = new World();
    w.writeList("net1", [{ type: "fake-a", crash: "ADD" }]);
    const rt = w.runtime({ lockTimeoutMs: 2000 });
    await expect(rt.add(att("c1"))).rejects.toMatchObject({ code: 999, message: expect.stringContaining("SIGKILL") });
    expect(rt.attachments()).toEqual([]);
    w.writeList("net1", [{ type: "fake-a" }]);
    await rt.add(att("c1")); // same attachment: its lock was released
    await rt.gc("net1", [{ containerID: "c1", ifname: "eth0" }]); // network lock too
    expect(rt.attachments().map((a) => a.containerId)).toEqual(["c1"]);
  });

  it("a hung plugin is killed at the exec timeout (code 11)", async () => {
    w = new World();
    w.writeList("net1", [{ type: "fake-a", sleepMs: { STATUS: 30000 } }]);
    await expect(w.runtime({ execTimeoutMs: 300 }).status("net1")).rejects.toMatchObject({ code: 11, message: expect.stringContaining("timed out") });
  });
});

describe("INIT (docs/lifecycle.md)", () => {
  it("first ADD sends INIT to every plugin in list order, once; INIT config has no runtimeConfig/prevResult/container env", async () => {
    w = new World();
    w.writeList("net1", [{ type: "fake-a", capabilities: { x: true } }, { type: "fake-b" }]);
    const rt = w.runtime();
    await rt.add({ ...att("c1"), capabilityArgs: { x: 1 } });
    await rt.add(att("c2"));
    expect(w.done()).toEqual(["INIT fake-a", "INIT fake-b", "ADD fake-a", "ADD fake-b", "ADD fake-a", "ADD fake-b"]);
    const init = w.calls().find((c) => c.cmd === "INIT")!;
    expect(init.env).toEqual({ CNI_COMMAND: "INIT", CNI_PATH: w.bin });
    expect(init.conf).not.toHaveProperty("runtimeConfig");
    expect(init.conf).not.toHaveProperty("prevResult");
    expect(readState(w.cache, "net1")).toMatchObject({ current: { status: "initialised" } });
  });

  it("a changed config is INITed again with the new config; key order alone is no change", async () => {
    w = new World();
    w.writeList("net1", [{ type: "fake-a", bridge: "br0" }]);
    const rt = w.runtime();
    await rt.add(att("c1"));
    writeFileSync(join(w.conf, "net1.conflist"), JSON.stringify({ plugins: [{ bridge: "br0", log: w.logFile, type: "fake-a" }], name: "net1", cniVersion: "1.1.0" }));
    await rt.add(att("c2"));
    expect(w.done().filter((c) => c.startsWith("INIT"))).toEqual(["INIT fake-a"]);
    w.writeList("net1", [{ type: "fake-a", bridge: "br1" }]);
    await rt.add(att("c3"));
    const inits = w.calls().filter((c) => c.cmd === "INIT" && c.phase === "end");
    expect(inits.map((c) => c.conf.bridge)).toEqual(["br0", "br1"]);
  });

  it("INIT failure at plugin k: stops there, no DEINIT of 0..k-1, ADD fails with the INIT error without touching the container", async () => {
    w = new World();
    const flag = join(w.root, "fail-init");
    writeFileSync(flag, "");
    w.writeList("net1", [{ type: "fake-a" }, { type: "fake-b", failIfExists: { INIT: flag } }, { type: "fake-c" }]);
    let now = 1_000_000;
    const rt = w.runtime({ now: () => now, initBackoffMs: { base: 10_000, max: 60_000 } });
    await expect(rt.add(att("c1"))).rejects.toMatchObject({ code: 11, message: expect.stringContaining("INIT failing") });
    expect(w.done()).toEqual(["INIT fake-a"]); // fake-b failed, fake-c never asked, nothing DEINITed, no ADD
    expect(readState(w.cache, "net1")).toMatchObject({ current: { status: "init-failed", attempts: 1, error: { code: 11, plugin: { index: 1, type: "fake-b" } } } });
    expect(rt.networks()).toEqual([expect.objectContaining({ name: "net1", phase: "init-failed" })]);

    // within the backoff: ADD fails with the recorded error, no INIT exec
    w.clearLog();
    now += 5_000;
    await expect(rt.add(att("c1"))).rejects.toMatchObject({ code: 11, message: expect.stringContaining("next retry") });
    expect(w.calls()).toEqual([]);

    // STATUS says "not available" while INIT is failed
    await expect(rt.status("net1")).rejects.toMatchObject({ code: 50 });

    // DEL and CHECK never require INIT
    await rt.del({ network: "net1", containerId: "c1", ifName: "eth0" });
    expect(w.done()).toEqual(["DEL fake-c", "DEL fake-b", "DEL fake-a"]);

    // after the backoff: one retry per ADD; the second attempt doubles the backoff
    w.clearLog();
    now += 6_000;
    await expect(rt.add(att("c1"))).rejects.toMatchObject({ code: 11 });
    expect(readState(w.cache, "net1")).toMatchObject({ current: { attempts: 2, nextRetryAt: now + 20_000 } });
    expect(w.done()).toEqual(["INIT fake-a"]);

    // fixed: the next ADD after the backoff INITs everything and proceeds
    unlinkSync(flag);
    w.clearLog();
    now += 21_000;
    await rt.add(att("c1"));
    expect(w.done()).toEqual(["INIT fake-a", "INIT fake-b", "INIT fake-c", "ADD fake-a", "ADD fake-b", "ADD fake-c"]);
    expect(readState(w.cache, "net1")).toMatchObject({ current: { status: "initialised", attempts: 0 } });
  });

  it("INIT/DEINIT answered with code 4, or by a pre-1.1 Go-style plugin, count as not needed", async () => {
    w = new World();
    w.writeList("net1", [{ type: "fake-a", unknown: ["INIT", "DEINIT"] }, { type: "old-x" }, { type: "fake-b" }], { cniVersion: "1.0.0" });
    const rt = w.runtime();
    await rt.init("net1");
    expect(w.done()).toEqual(["INIT fake-b"]);
    expect(readState(w.cache, "net1")).toMatchObject({ current: { status: "initialised" } });
    await rt.deinit("net1");
    expect(readState(w.cache, "net1")).toBeUndefined();
  });

  it("other INIT errors are failures", async () => {
    w = new World();
    w.writeList("net1", [{ type: "fake-a", fail: { INIT: { code: 7, msg: "no such uplink" } } }]);
    await expect(w.runtime().init("net1")).rejects.toMatchObject({ code: 7, message: "no such uplink" });
    expect(readState(w.cache, "net1")).toMatchObject({ current: { status: "init-failed" } });
  });
});

describe("config removal, DEINIT, reconcile", () => {
  it("a removed network with attachments drains; DEINIT (with the cached config) follows the last DEL, once", async () => {
    w = new World();
    const file = w.writeList("net1", [{ type: "fake-a", secret: "v1" }, { type: "fake-b" }]);
    const rt = w.runtime();
    await rt.add(att("c1"));
    await rt.add(att("c2"));
    rmSync(file);
    w.clearLog();
    const r1 = await rt.reconcile();
    expect(r1.steps).toEqual([{ network: "net1", action: "none", phase: "draining" }]);
    expect(w.calls()).toEqual([]);
    expect(rt.networks()).toEqual([expect.objectContaining({ name: "net1", phase: "draining", attachments: 2 })]);
    await rt.del({ network: "net1", containerId: "c1", ifName: "eth0" });
    expect(w.done()).toEqual(["DEL fake-b", "DEL fake-a"]); // still one attachment: no DEINIT
    w.clearLog();
    await rt.del({ network: "net1", containerId: "c2", ifName: "eth0" });
    expect(w.done()).toEqual(["DEL fake-b", "DEL fake-a", "DEINIT fake-b", "DEINIT fake-a"]);
    expect(w.calls().find((c) => c.cmd === "DEINIT" && c.type === "fake-a")!.conf.secret).toBe("v1");
    w.clearLog();
    expect((await rt.reconcile()).steps).toEqual([]); // no double DEINIT
    expect(w.calls()).toEqual([]);
    expect(rt.networks()).toEqual([]);
  });

  it("GC of a removed network DELs stale attachments, sends no GC verb, then DEINITs", async () => {
    w = new World();
    const file = w.writeList("net1", [{ type: "fake-a" }]);
    const rt = w.runtime();
    await rt.add(att("c1"));
    rmSync(file);
    w.clearLog();
    const report = await rt.gc("net1", []);
    expect(report).toMatchObject({ deleted: [{ containerID: "c1", ifname: "eth0" }], errors: [], removal: "deinit" });
    expect(w.done()).toEqual(["DEL fake-a", "DEINIT fake-a"]);
  });

  it("DEINIT failure leaves deinit-pending; reconcile retries until it succeeds", async () => {
    w = new World();
    const flag = join(w.root, "fail-deinit");
    writeFileSync(flag, "");
    const file = w.writeList("net1", [{ type: "fake-a" }, { type: "fake-b", failIfExists: { DEINIT: flag } }]);
    const rt = w.runtime();
    await rt.reconcile();
    rmSync(file);
    w.clearLog();
    const r1 = await rt.reconcile();
    expect(r1.steps).toEqual([{ network: "net1", action: "deinit", phase: "deinit-pending", error: expect.objectContaining({ code: 11 }) }]);
    expect(w.done()).toEqual(["DEINIT fake-a"]); // fake-b failed, fake-a still released
    expect(rt.networks()).toEqual([expect.objectContaining({ name: "net1", phase: "deinit-pending" })]);
    unlinkSync(flag);
    w.clearLog();
    expect((await rt.reconcile()).steps).toEqual([{ network: "net1", action: "deinit", phase: "removed" }]);
    expect(w.done()).toEqual(["DEINIT fake-b", "DEINIT fake-a"]);
    expect(readState(w.cache, "net1")).toBeUndefined();
  });

  it("reconcile INITs new and changed networks, leaves current ones, and skips removals while a config file is broken", async () => {
    w = new World();
    w.writeList("a", [{ type: "fake-a" }]);
    const bFile = w.writeList("b", [{ type: "fake-b" }]);
    const rt = w.runtime();
    expect((await rt.reconcile()).steps.map((s) => `${s.network}:${s.action}`)).toEqual(["a:init", "b:init"]);
    w.writeList("a", [{ type: "fake-a", v: 2 }]);
    w.clearLog();
    expect((await rt.reconcile()).steps.map((s) => `${s.network}:${s.action}`)).toEqual(["a:init", "b:none"]);
    rmSync(bFile);
    writeFileSync(join(w.conf, "zz-broken.conflist"), "{");
    const r = await rt.reconcile();
    expect(r.configErrors).toHaveLength(1);
    expect(r.steps.map((s) => s.network)).toEqual(["a"]);
    expect(readState(w.cache, "b")).toMatchObject({ current: { status: "initialised" } }); // not DEINITed
    rmSync(join(w.conf, "zz-broken.conflist"));
    expect((await rt.reconcile()).steps.find((s) => s.network === "b")).toEqual({ network: "b", action: "deinit", phase: "removed" });
  });

  it("reconcile respects the INIT backoff unless forced", async () => {
    w = new World();
    w.writeList("a", [{ type: "fake-a", fail: { INIT: { code: 5, msg: "disk" } } }]);
    let now = 0;
    const rt = w.runtime({ now: () => now, initBackoffMs: { base: 1000, max: 1000 } });
    expect((await rt.reconcile()).steps[0]).toMatchObject({ action: "init", phase: "init-failed", error: { code: 5 } });
    expect((await rt.reconcile()).steps[0]).toMatchObject({ action: "wait" });
    expect((await rt.reconcile({ force: true })).steps[0]).toMatchObject({ action: "init" });
    now = 5000;
    expect((await rt.reconcile()).steps[0]).toMatchObject({ action: "init" });
  });

  it("removeNetwork DELs every attachment, GCs with an empty list, DEINITs and forgets", async () => {
    w = new World();
    w.writeList("net1", [{ type: "fake-a" }]);
    const rt = w.runtime();
    await rt.add(att("c1"));
    w.clearLog();
    expect(await rt.removeNetwork("net1")).toEqual([]);
    expect(w.done()).toEqual(["DEL fake-a", "GC fake-a", "DEINIT fake-a"]);
    expect(w.calls().find((c) => c.cmd === "GC")!.conf["cni.dev/valid-attachments"]).toEqual([]);
    expect(rt.attachments()).toEqual([]);
    expect(readState(w.cache, "net1")).toBeUndefined();
  });
});

describe("GC and STATUS", () => {
  it("GC DELs cached attachments not in the valid list, then GCs every plugin with the valid list", async () => {
    w = new World();
    w.writeList("net1", [{ type: "fake-a" }, { type: "fake-b" }]);
    const rt = w.runtime();
    for (const c of ["c1", "c2", "c3"]) await rt.add(att(c));
    w.clearLog();
    const report = await rt.gc("net1", [{ containerID: "c2", ifname: "eth0" }]);
    expect(report.deleted.map((a) => a.containerID).sort()).toEqual(["c1", "c3"]);
    expect(w.done()).toEqual(["DEL fake-b", "DEL fake-a", "DEL fake-b", "DEL fake-a", "GC fake-a", "GC fake-b"]);
    const gc = w.calls().find((c) => c.cmd === "GC")!;
    expect(gc.conf["cni.dev/valid-attachments"]).toEqual([{ containerID: "c2", ifname: "eth0" }]);
    expect(gc.env).toEqual({ CNI_COMMAND: "GC", CNI_PATH: w.bin });
    expect(rt.attachments().map((a) => a.containerId)).toEqual(["c2"]);
  });

  it("disableGC: no DEL, no GC", async () => {
    w = new World();
    w.writeList("net1", [{ type: "fake-a" }], { disableGC: true });
    const rt = w.runtime();
    await rt.add(att("c1"));
    w.clearLog();
    expect(await rt.gc("net1", [])).toMatchObject({ skipped: "disableGC" });
    expect(w.calls()).toEqual([]);
  });

  it("GC and STATUS verbs are only sent to 1.1.0 lists (stale DELs still happen)", async () => {
    w = new World();
    w.writeList("net1", [{ type: "fake-a" }], { cniVersion: "1.0.0" });
    const rt = w.runtime();
    await rt.add(att("c1"));
    w.clearLog();
    await rt.gc("net1", []);
    await rt.status("net1");
    expect(w.done()).toEqual(["DEL fake-a"]);
  });

  it("STATUS asks every plugin in order and returns the first error's code", async () => {
    w = new World();
    w.writeList("net1", [{ type: "fake-a" }, { type: "fake-b", fail: { STATUS: { code: 50, msg: "pool exhausted" } } }, { type: "fake-c" }]);
    await expect(w.runtime().status("net1")).rejects.toMatchObject({ code: 50, message: "pool exhausted", plugin: "fake-b" });
    expect(w.done()).toEqual(["STATUS fake-a"]);
  });

  it("VERSION probe of every plugin", async () => {
    w = new World();
    w.writeList("net1", [{ type: "fake-a" }, { type: "old-x" }, { type: "missing" }]);
    const v = await w.runtime().versions("net1");
    expect(v.plugins).toEqual([
      expect.objectContaining({ type: "fake-a", supportsConfigVersion: true }),
      expect.objectContaining({ type: "old-x", supportsConfigVersion: false, supportedVersions: ["0.3.1", "0.4.0", "1.0.0"] }),
      expect.objectContaining({ type: "missing", error: expect.objectContaining({ code: 50, msg: expect.stringContaining(w.bin) }) }),
    ]);
  });
});
