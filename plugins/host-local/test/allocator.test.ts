import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { existsSync, readdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { CniError, parseWith } from "@tscni/types";
import { Allocator, DiskStore, candidates, configSchema, normaliseConfig, ownerKey } from "../src/index.js";
import { formatIP, parseIP } from "@tscni/types/ip";
import { rmrf, tempDir, tempFiles } from "./helpers.js";

let dir: string;
beforeEach(() => {
  dir = tempDir();
});
afterEach(() => rmrf(dir));

function setup(ipam: object) {
  const conf = normaliseConfig(parseWith(configSchema, { cniVersion: "1.0.0", name: "n", ipam: { type: "host-local", dataDir: dir, ...ipam } }));
  const store = new DiskStore(conf.dir);
  return { conf, store, alloc: new Allocator(store, conf.ranges) };
}
const ips = (a: Allocator, id: string, ifname = "eth0", req: string[] = []) => a.allocate(id, ifname, req.map((s) => parseIP(s)!)).map((x) => formatIP(x.ip));

describe("Allocator", () => {
  it("hands out round-robin, skipping the gateway, and records last_reserved_ip.N", () => {
    const { alloc, conf } = setup({ ranges: [[{ subnet: "10.0.0.0/29" }]] });
    expect(ips(alloc, "a")).toEqual(["10.0.0.2"]);
    expect(ips(alloc, "b")).toEqual(["10.0.0.3"]);
    expect(readFileSync(join(conf.dir, "last_reserved_ip.0"), "utf8")).toBe("10.0.0.3");
    alloc.release("a", "eth0");
    // Round-robin continues after the last reserved address rather than reusing .2.
    expect(ips(alloc, "c")).toEqual(["10.0.0.4"]);
    expect(readFileSync(join(conf.dir, "10.0.0.4"), "utf8")).toBe("c\r\neth0");
  });

  it("never hands out network, broadcast or gateway even when the range includes them", () => {
    const { alloc } = setup({ ranges: [[{ subnet: "10.0.0.0/29", rangeStart: "10.0.0.0", rangeEnd: "10.0.0.7", gateway: "10.0.0.4" }]] });
    const got = ["a", "b", "c", "d", "e"].flatMap((id) => ips(alloc, id));
    expect(got.sort()).toEqual(["10.0.0.1", "10.0.0.2", "10.0.0.3", "10.0.0.5", "10.0.0.6"]);
    expect(() => ips(alloc, "f")).toThrow(/no IP addresses available in range set: 10.0.0.0-10.0.0.7/);
  });

  it("walks several ranges of a set and wraps around", () => {
    const { alloc } = setup({ ranges: [[{ subnet: "10.0.0.0/30" }, { subnet: "10.0.1.0/30" }]] });
    // /30: .1 is the gateway, .2 is the only address of each range.
    expect(ips(alloc, "a")).toEqual(["10.0.0.2"]);
    expect(ips(alloc, "b")).toEqual(["10.0.1.2"]);
    alloc.release("a", "eth0");
    expect(ips(alloc, "c")).toEqual(["10.0.0.2"]);
    const err = (() => { try { ips(alloc, "d"); } catch (e) { return e as CniError; } })();
    expect(err?.code).toBe(11);
  });

  it("candidates start after last and cover every address once", () => {
    const { conf } = setup({ ranges: [[{ subnet: "10.0.0.0/29" }, { subnet: "10.0.2.0/30" }]] });
    const seq = [...candidates(conf.ranges[0]!, parseIP("10.0.0.5"))].map((c) => formatIP(c.ip));
    expect(seq).toEqual(["10.0.0.6", "10.0.2.2", "10.0.0.2", "10.0.0.3", "10.0.0.4", "10.0.0.5"]);
    // A last address outside the set restarts at the first range.
    expect(formatIP([...candidates(conf.ranges[0]!, parseIP("192.168.0.1"))][0]!.ip)).toBe("10.0.0.2");
  });

  it("gives one address per range set (dual-stack)", () => {
    const { alloc } = setup({ ranges: [[{ subnet: "10.0.0.0/24" }], [{ subnet: "fd00::/120" }]] });
    expect(ips(alloc, "a")).toEqual(["10.0.0.2", "fd00::2"]);
  });

  it("honours requested addresses, refuses gateway, taken and unknown ones", () => {
    const { alloc } = setup({ ranges: [[{ subnet: "10.0.0.0/24" }], [{ subnet: "fd00::/120" }]] });
    expect(ips(alloc, "a", "eth0", ["fd00::50", "10.0.0.50"])).toEqual(["10.0.0.50", "fd00::50"]);
    expect(() => ips(alloc, "b", "eth0", ["10.0.0.50"])).toThrow(/10.0.0.50 is not available/);
    expect(() => ips(alloc, "b", "eth0", ["10.0.0.1"])).toThrow(/gateway/);
    expect(() => ips(alloc, "b", "eth0", ["10.9.0.1"])).toThrow(/failed to allocate all requested IPs: 10.9.0.1/);
    // Failed calls left nothing behind for "b".
    expect(alloc.find("b", "eth0")).toEqual([]);
  });

  it("rolls back what it reserved when a later range set fails", () => {
    const { alloc, store } = setup({ ranges: [[{ subnet: "10.0.0.0/24" }], [{ subnet: "fd00::/120" }]] });
    store.ensure();
    writeFileSync(join(store.dir, "fd00::9"), "other\r\neth0");
    expect(() => ips(alloc, "a", "eth0", ["fd00::9"])).toThrow(/not available/);
    expect(alloc.find("a", "eth0")).toEqual([]);
    expect(Object.keys(readdirSync(store.dir)).length).toBeGreaterThan(0);
    expect(readdirSync(store.dir).filter((n) => n.startsWith("10."))).toEqual([]);
  });

  it("refuses a duplicate automatic allocation for the same attachment", () => {
    const { alloc } = setup({ ranges: [[{ subnet: "10.0.0.0/24" }]] });
    ips(alloc, "a");
    expect(() => ips(alloc, "a")).toThrow(/duplicate allocation/);
    expect(ips(alloc, "a", "eth1")).toEqual(["10.0.0.3"]); // another ifname is another attachment
  });

  it("release takes every address of the attachment and only those; old ID-only files too", () => {
    const { alloc, store } = setup({ ranges: [[{ subnet: "10.0.0.0/24" }], [{ subnet: "fd00::/120" }]] });
    ips(alloc, "a");
    ips(alloc, "b");
    expect(alloc.release("a", "eth0").sort()).toEqual(["10.0.0.2", "fd00::2"]);
    expect(alloc.release("a", "eth0")).toEqual([]);
    expect(alloc.find("b", "eth0").sort()).toEqual(["10.0.0.3", "fd00::3"]);
    // An old Go version writes the ID-only file and then, like every Go version, last_reserved_ip.0;
    // that write is how tscni's owner index learns that someone else reserved something.
    writeFileSync(join(store.dir, "10.0.0.77"), "old\n");
    writeFileSync(join(store.dir, "last_reserved_ip.0"), "10.0.0.77");
    expect(alloc.find("old", "eth0")).toEqual(["10.0.0.77"]);
    expect(alloc.release("old", "eth0")).toEqual(["10.0.0.77"]);
  });

  it("store.release leaves a file that changed owner alone", () => {
    const { store } = setup({ ranges: [[{ subnet: "10.0.0.0/24" }]] });
    store.ensure();
    expect(store.reserve("10.0.0.5", ownerKey("a", "eth0"))).toBe(true);
    expect(store.reserve("10.0.0.5", ownerKey("b", "eth0"))).toBe(false);
    expect(store.release("10.0.0.5", ownerKey("b", "eth0"))).toBe(false);
    expect(existsSync(join(store.dir, "10.0.0.5"))).toBe(true);
    expect(tempFiles(store.dir)).toEqual([]); // no temp files left
  });

  it("counts free addresses per range set", () => {
    const { alloc } = setup({ ranges: [[{ subnet: "10.0.0.0/29" }], [{ subnet: "fd00::/125" }]] });
    expect(alloc.freeCounts()).toEqual([5n, 6n]);
    ips(alloc, "a");
    expect(alloc.freeCounts()).toEqual([4n, 5n]);
  });
});
