// Config generations (docs/lifecycle.md): a changed config is a new generation; the old
// one is DEINITed with its own config once no cached attachment was made under it, except
// for plugin instances a live generation still holds. Plus removal and explicit DEINIT.
import { rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { readState } from "../src/index.js";
import { World } from "./helpers/env.js";

let w: World;
afterEach(() => w?.remove());
const att = (cid: string, network = "net1") => ({ network, containerId: cid, ifName: "eth0", netns: `/var/run/netns/fake-${cid}` });
const del = (cid: string, network = "net1") => ({ network, containerId: cid, ifName: "eth0" });
const deinits = () => w.calls().filter((c) => c.cmd === "DEINIT" && c.phase === "end");

describe("generations", () => {
  it("a plugin removed from the list gets DEINIT with its old config once the old generation's attachments are gone; the others are untouched", async () => {
    w = new World();
    w.writeList("net1", [{ type: "fake-a" }, { type: "fake-b", mark: "gen1" }]);
    const rt = w.runtime();
    await rt.add(att("c1"));
    w.writeList("net1", [{ type: "fake-a" }]);
    await rt.add(att("c2")); // INIT of the new generation; c1 keeps its chain
    expect(rt.networks()[0]).toMatchObject({ phase: "initialised", attachments: 2, generations: [{ status: "initialised", attachments: 1 }, { status: "draining", attachments: 1 }] });
    expect(deinits()).toEqual([]);
    w.clearLog();
    await rt.del(del("c1"));
    expect(w.done()).toEqual(["DEL fake-b", "DEL fake-a", "DEINIT fake-b"]); // fake-a is the same instance in the new generation
    expect(deinits()[0]!.conf).toMatchObject({ mark: "gen1", name: "net1" });
    expect(readState(w.cache, "net1")).toMatchObject({ retired: [] });
    // the current generation is untouched: ADD needs no INIT
    w.clearLog();
    await rt.add(att("c3"));
    expect(w.done()).toEqual(["ADD fake-a"]);
  });

  it("a plugin added to the list gets INIT; the old generation drains without any DEINIT (all its instances live on)", async () => {
    w = new World();
    w.writeList("net1", [{ type: "fake-a" }]);
    const rt = w.runtime();
    await rt.add(att("c1"));
    w.writeList("net1", [{ type: "fake-a" }, { type: "fake-b" }]);
    w.clearLog();
    await rt.add(att("c2"));
    expect(w.done()).toEqual(["INIT fake-a", "INIT fake-b", "ADD fake-a", "ADD fake-b"]);
    w.clearLog();
    await rt.del(del("c1"));
    expect(w.done()).toEqual(["DEL fake-a"]); // c1's chain, from its cached config; no DEINIT
    expect(readState(w.cache, "net1")!.retired).toEqual([]);
  });

  it("a plugin whose config changed is a new instance: the old one is DEINITed with the old config after the last old attachment", async () => {
    w = new World();
    w.writeList("net1", [{ type: "fake-a", bridge: "br0" }]);
    const rt = w.runtime();
    await rt.add(att("c1"));
    await rt.add(att("c2"));
    w.writeList("net1", [{ type: "fake-a", bridge: "br1" }]);
    await rt.add(att("c3"));
    await rt.del(del("c1"));
    expect(deinits()).toEqual([]); // c2 still uses br0
    await rt.del(del("c2"));
    expect(deinits().map((c) => c.conf.bridge)).toEqual(["br0"]);
    await rt.del(del("c3"));
    expect(deinits().map((c) => c.conf.bridge)).toEqual(["br0"]); // the current generation stays initialised
    expect(readState(w.cache, "net1")).toMatchObject({ current: { status: "initialised" }, retired: [] });
  });

  it("a generation with no attachments is DEINITed right after the new one's INIT; reverting to a draining config revives it", async () => {
    w = new World();
    w.writeList("net1", [{ type: "fake-a", v: 1 }]);
    const rt = w.runtime();
    await rt.init("net1");
    w.writeList("net1", [{ type: "fake-a", v: 2 }]);
    await rt.reconcile();
    expect(w.done()).toEqual(["INIT fake-a", "INIT fake-a", "DEINIT fake-a"]);
    expect(deinits()[0]!.conf.v).toBe(1);
    // v2 has an attachment; back to v1, then v2 again: v2 drains and is revived, never DEINITed
    await rt.add(att("c1"));
    w.writeList("net1", [{ type: "fake-a", v: 1 }]);
    await rt.reconcile();
    expect(rt.networks()[0]!.generations.map((g) => g.status)).toEqual(["initialised", "draining"]);
    w.writeList("net1", [{ type: "fake-a", v: 2 }]);
    w.clearLog();
    const r = await rt.reconcile();
    expect(r.steps).toEqual([{ network: "net1", action: "init", phase: "initialised" }]);
    expect(w.done()).toEqual(["INIT fake-a", "DEINIT fake-a"]); // v2 again, v1 (no attachments) released
    expect(deinits()[0]!.conf.v).toBe(1);
    expect(readState(w.cache, "net1")).toMatchObject({ current: { status: "initialised" }, retired: [] });
  });

  it("a failed DEINIT of an old generation stays pending and reconcile retries it", async () => {
    w = new World();
    const flag = join(w.root, "fail-deinit");
    writeFileSync(flag, "");
    w.writeList("net1", [{ type: "fake-a", v: 1, failIfExists: { DEINIT: flag } }]);
    const rt = w.runtime();
    await rt.init("net1");
    w.writeList("net1", [{ type: "fake-a", v: 2 }]);
    const r1 = await rt.reconcile();
    expect(r1.steps).toEqual([{ network: "net1", action: "init", phase: "initialised" }]); // v2 is current; v1's DEINIT failed
    expect(rt.networks()[0]!.generations.map((g) => g.status)).toEqual(["initialised", "deinit-pending"]);
    rmSync(flag);
    w.clearLog();
    const r2 = await rt.reconcile();
    expect(r2.steps).toEqual([
      { network: "net1", action: "none", phase: "initialised" },
      { network: "net1", action: "deinit", phase: "removed", generation: expect.any(String) },
    ]);
    expect(w.done()).toEqual(["DEINIT fake-a"]);
    expect(readState(w.cache, "net1")!.retired).toEqual([]);
  });
});

describe("explicit DEINIT", () => {
  it("refuses while attachments are cached, unless forced", async () => {
    w = new World();
    w.writeList("net1", [{ type: "fake-a" }]);
    const rt = w.runtime();
    await rt.add(att("c1"));
    w.clearLog();
    await expect(rt.deinit("net1")).rejects.toMatchObject({ code: 11, message: expect.stringContaining("1 attachment"), details: expect.stringContaining("c1/eth0") });
    expect(w.calls()).toEqual([]);
    expect(readState(w.cache, "net1")).toMatchObject({ current: { status: "initialised" } });
    await rt.deinit("net1", { force: true });
    expect(w.done()).toEqual(["DEINIT fake-a"]);
    expect(readState(w.cache, "net1")).toBeUndefined();
    expect(rt.attachments()).toHaveLength(1); // DEL still works later, with the cached config
    await rt.del(del("c1"));
    expect(rt.attachments()).toEqual([]);
  });
});

describe("removeNetwork", () => {
  it("honours disableGC: DELs and DEINIT, no GC verb", async () => {
    w = new World();
    w.writeList("net1", [{ type: "fake-a" }], { disableGC: true });
    const rt = w.runtime();
    await rt.add(att("c1"));
    w.clearLog();
    expect(await rt.removeNetwork("net1")).toEqual([]);
    expect(w.done()).toEqual(["DEL fake-a", "DEINIT fake-a"]);
    expect(readState(w.cache, "net1")).toBeUndefined();
  });

  it("sends no GC to a network whose config is gone; every generation is DEINITed with its own config", async () => {
    w = new World();
    const file = w.writeList("net1", [{ type: "fake-a", v: 1 }]);
    const rt = w.runtime();
    await rt.add(att("c1"));
    w.writeList("net1", [{ type: "fake-a", v: 2 }]);
    await rt.add(att("c2"));
    rmSync(file);
    w.clearLog();
    expect(await rt.removeNetwork("net1")).toEqual([]);
    expect(w.done()).toEqual(["DEL fake-a", "DEL fake-a", "DEINIT fake-a", "DEINIT fake-a"]);
    expect(deinits().map((c) => c.conf.v).sort()).toEqual([1, 2]);
    expect(readState(w.cache, "net1")).toBeUndefined();
    expect(rt.networks()).toEqual([]);
  });

  it("when DELs fail the network stays draining; reconcile retries them with backoff, then DEINITs", async () => {
    w = new World();
    const flag = join(w.root, "fail-del");
    writeFileSync(flag, "");
    const file = w.writeList("net1", [{ type: "fake-a", failIfExists: { DEL: flag } }]);
    let now = 1_000_000;
    const rt = w.runtime({ now: () => now, initBackoffMs: { base: 10_000, max: 60_000 } });
    await rt.add(att("c1"));
    rmSync(file);
    w.clearLog();
    const errors = await rt.removeNetwork("net1");
    expect(errors).toEqual([expect.objectContaining({ code: 11, command: "DEL" })]);
    expect(w.done()).toEqual([]); // the DEL failed; no GC (config gone), no DEINIT yet
    expect(rt.networks()).toEqual([expect.objectContaining({ name: "net1", phase: "draining", attachments: 1, nextRetryAt: new Date(now + 10_000).toISOString() })]);
    // within the backoff: reconcile waits
    expect((await rt.reconcile()).steps).toEqual([{ network: "net1", action: "wait", phase: "draining" }]);
    // after it, still failing: attempts grow, the backoff doubles
    now += 10_000;
    expect((await rt.reconcile()).steps).toEqual([{ network: "net1", action: "del", phase: "draining", error: expect.objectContaining({ code: 11 }) }]);
    expect(readState(w.cache, "net1")!.removal).toMatchObject({ attempts: 2, nextRetryAt: now + 20_000 });
    // fixed: the DEL goes through, then DEINIT, and the network is gone
    rmSync(flag);
    now += 20_000;
    w.clearLog();
    expect((await rt.reconcile()).steps).toEqual([{ network: "net1", action: "del", phase: "removed" }]);
    expect(w.done()).toEqual(["DEL fake-a", "DEINIT fake-a"]);
    expect(rt.networks()).toEqual([]);
  });
});
