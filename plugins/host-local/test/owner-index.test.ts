import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { existsSync, mkdirSync, readdirSync, readFileSync, statSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { parseWith } from "@tscni/types";
import { Allocator, DiskStore, OwnerIndex, bootId, configSchema, keyHash, lookupBase, normaliseConfig, ownerKey, writeBase } from "../src/index.js";
import { formatIP } from "@tscni/types/ip";
import { rmrf, tempDir, tempFiles } from "./helpers.js";

/** Counts reservation-file reads, to tell an index answer from a full scan. */
class CountingStore extends DiskStore {
  reads = 0;
  override read(name: string): string | undefined {
    this.reads++;
    return super.read(name);
  }
}

let dir: string;
beforeEach(() => {
  dir = tempDir();
});
afterEach(() => rmrf(dir));

function setup(ipam: object = { ranges: [[{ subnet: "10.0.0.0/16" }]] }) {
  const conf = normaliseConfig(parseWith(configSchema, { cniVersion: "1.0.0", name: "n", ipam: { type: "host-local", dataDir: dir, ...ipam } }));
  const store = new CountingStore(conf.dir);
  return { conf, store, alloc: new Allocator(store, conf.ranges) };
}
const add = (a: Allocator, id: string, ifname = "eth0") => a.allocate(id, ifname).map((x) => formatIP(x.ip));

/** Go's way of writing: a reservation file, then last_reserved_ip.0 rewritten in place. */
function goReserve(storeDir: string, ip: string, owner: string): void {
  writeFileSync(join(storeDir, ip), owner);
  writeFileSync(join(storeDir, "last_reserved_ip.0"), ip);
}

function fill(a: Allocator, n: number): void {
  for (let i = 0; i < n; i++) add(a, `fill${i}`);
}

describe("owner index", () => {
  it("ADD, CHECK and DEL read only the attachment's files once the index is current", () => {
    const { alloc, store } = setup();
    fill(alloc, 300);
    store.reads = 0;
    expect(add(alloc, "a")).toEqual(["10.0.1.46"]);
    expect(alloc.find("a", "eth0")).toEqual(["10.0.1.46"]);
    expect(alloc.release("a", "eth0")).toEqual(["10.0.1.46"]);
    expect(store.reads).toBeLessThan(10); // a scan would read 300+ files per call
    expect(alloc.find("fill7", "eth0")).toEqual(["10.0.0.9"]);
    expect(tempFiles(store.dir)).toEqual([]);
  });

  it("stamps last_reserved_ip.0 and keeps Go's content format", () => {
    const { alloc, store } = setup();
    add(alloc, "a");
    expect(readFileSync(join(store.dir, "last_reserved_ip.0"), "utf8")).toBe("10.0.0.2");
    expect(statSync(join(store.dir, "last_reserved_ip.0")).mtimeMs).toBe(1_000_000_000_500);
    expect(readFileSync(join(store.dir, "10.0.0.2"), "utf8")).toBe("a\r\neth0");
  });

  it("falls back to a full scan after a foreign write: duplicate refused, every file of the owner released", () => {
    const { alloc, store } = setup();
    fill(alloc, 50);
    add(alloc, "a");
    // Go (another range-set config) reserves for the same attachment and one for someone else.
    goReserve(store.dir, "10.0.9.9", "a\r\neth0");
    goReserve(store.dir, "10.0.9.10", "g\r\neth0");
    store.reads = 0;
    expect(() => add(alloc, "a")).toThrow(/duplicate allocation/);
    expect(store.reads).toBeGreaterThan(50); // scanned
    expect(alloc.release("a", "eth0").sort()).toEqual(["10.0.0.52", "10.0.9.9"]);
    expect(alloc.release("g", "eth0")).toEqual(["10.0.9.10"]);
    // The scan rebuilt the base and re-stamped, so the fast path is back.
    store.reads = 0;
    expect(alloc.find("fill3", "eth0")).toEqual(["10.0.0.5"]);
    expect(store.reads).toBeLessThan(5);
  });

  it("a crash between reservation and record leaves the marker, and the owner is scanned", () => {
    const { alloc, store } = setup();
    fill(alloc, 20);
    // What a kill -9 right after link() leaves: marker + reservation, no record, last_reserved untouched.
    const key = ownerKey("crash", "eth0");
    const m = alloc.index.mark(key);
    expect(store.reserveFrom(m.path, "10.0.0.200")).toBe(true);
    expect(() => add(alloc, "crash")).toThrow(/duplicate allocation/);
    expect(alloc.find("crash", "eth0")).toEqual(["10.0.0.200"]);
    expect(alloc.release("crash", "eth0")).toEqual(["10.0.0.200"]);
    expect(existsSync(m.path)).toBe(false);
    expect(add(alloc, "crash")).toEqual(["10.0.0.22"]);
    expect(tempFiles(store.dir)).toEqual([]);
  });

  it("a torn or foreign index is ignored, never trusted", () => {
    const { alloc, store } = setup();
    fill(alloc, 20);
    add(alloc, "a");
    const idx = join(store.dir, ".tscni-index");
    writeFileSync(join(idx, "base"), "tscni-base 1 5\n"); // truncated
    writeFileSync(join(idx, `a-${keyHash(ownerKey("a", "eth0"))}`), '{"key":"a\\r\\neth0","na');
    expect(alloc.find("a", "eth0")).toEqual(["10.0.0.22"]);
    // A record of another key under a's hash (a collision) is not a's answer.
    writeFileSync(join(idx, `a-${keyHash(ownerKey("a", "eth0"))}`), JSON.stringify({ key: "other\r\neth0", names: [] }));
    expect(alloc.release("a", "eth0")).toEqual(["10.0.0.22"]);
  });

  it("base file: binary search finds every name of a hash, rejects malformed files and odd names", () => {
    const p = join(dir, "base");
    const recs: Array<[string, string]> = [];
    for (let i = 0; i < 500; i++) recs.push([keyHash(`k${i % 97}`), `10.1.${i >> 8}.${i & 255}`]);
    expect(writeBase(p, recs)).toBe(true);
    for (const k of [0, 1, 50, 96]) {
      const want = recs.filter(([h]) => h === keyHash(`k${k}`)).map(([, n]) => n).sort();
      expect(lookupBase(p, keyHash(`k${k}`))?.sort()).toEqual(want);
    }
    expect(lookupBase(p, keyHash("absent"))).toEqual([]);
    writeFileSync(p, readFileSync(p).subarray(0, 64 * 10));
    expect(lookupBase(p, keyHash("k1"))).toBeUndefined();
    expect(writeBase(p, [[keyHash("x"), "name with space"]])).toBe(false);
  });

  it("a base built in another boot is not trusted: after a power loss the owner is scanned", () => {
    const { alloc, store } = setup();
    fill(alloc, 20);
    add(alloc, "a");
    // What a power loss can leave, since the index is not fsynced: a base and a record that
    // miss a reservation which did reach the disk (written here by hand, no stamp change).
    writeFileSync(join(store.dir, "10.0.0.99"), "a\r\neth0");
    const idx = join(store.dir, ".tscni-index");
    const records = (boot: string) => {
      const recs: Array<[string, string]> = store.entries().filter((e) => e.name !== "10.0.0.99").map((e) => [keyHash(e.owner), e.name]);
      expect(writeBase(join(idx, "base"), recs, boot)).toBe(true);
    };
    // Same boot: the index answers and (as documented) does not see the hand-written file.
    records(bootId());
    expect(alloc.find("a", "eth0")).toEqual(["10.0.0.22"]);
    // Earlier boot: no answer, the full scan finds it, and the base is rebuilt for this boot.
    records("00000000-0000-0000-0000-000000000000");
    store.reads = 0;
    expect(alloc.find("a", "eth0").sort()).toEqual(["10.0.0.22", "10.0.0.99"]);
    expect(store.reads).toBeGreaterThan(20);
    expect(readFileSync(join(idx, "base"), "latin1").startsWith(`tscni-base 2 ${bootId()} `)).toBe(true);
    expect(alloc.release("a", "eth0").sort()).toEqual(["10.0.0.22", "10.0.0.99"]);
  });

  it("base file: the header names the boot; lookups from another boot read no base", () => {
    const p = join(dir, "base");
    expect(writeBase(p, [[keyHash("k"), "10.0.0.2"]], "boot-a")).toBe(true);
    expect(lookupBase(p, keyHash("k"), "boot-a")).toEqual(["10.0.0.2"]);
    expect(lookupBase(p, keyHash("k"), "boot-b")).toBeUndefined();
    // No boot id on this system: a placeholder word keeps the header parseable.
    expect(writeBase(p, [[keyHash("k"), "10.0.0.2"]], "")).toBe(true);
    expect(lookupBase(p, keyHash("k"), "")).toEqual(["10.0.0.2"]);
    expect(lookupBase(p, keyHash("k"), "boot-a")).toBeUndefined();
    expect(bootId()).toMatch(/^[0-9a-f-]{36}$/);
  });

  it("GC prunes records of released owners and leaves a current base", () => {
    const { alloc, store } = setup();
    fill(alloc, 5);
    const idx = new OwnerIndex(store.dir);
    const before = idx.snapshot();
    // GC's steps, as the handler does them: release, rebuild from what is left, prune.
    const keep = (o: string) => o === ownerKey("fill1", "eth0");
    const left = store.entries().filter((e) => keep(e.owner) || !store.release(e.name, e.owner));
    idx.rebuild(left, before);
    idx.prune(keep);
    const files = readdirSync(join(store.dir, ".tscni-index")).sort();
    expect(files).toEqual(["a-" + keyHash(ownerKey("fill1", "eth0")), "base"]);
    expect(idx.answer(ownerKey("fill1", "eth0"), "fill1")?.names).toEqual(["10.0.0.3"]);
  });

  it("a store someone else created keeps working: Go files present before the first tscni call", () => {
    const { alloc, store } = setup();
    mkdirSync(store.dir, { recursive: true });
    for (let i = 2; i < 40; i++) goReserve(store.dir, `10.0.0.${i}`, `go${i}\r\neth0`);
    expect(() => add(alloc, "go7")).toThrow(/duplicate allocation/);
    expect(add(alloc, "t")).toEqual(["10.0.0.40"]);
    store.reads = 0;
    expect(alloc.release("go9", "eth0")).toEqual(["10.0.0.9"]);
    expect(store.reads).toBeLessThan(5);
  });
});

describe("owner index on a store that does not exist", () => {
  it("find (CHECK) answers nothing and creates nothing", () => {
    const { alloc, store } = setup();
    expect(alloc.find("x", "eth0")).toEqual([]);
    expect(existsSync(store.dir)).toBe(false);
  });
});
