import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { afterSuccess, violation } from "./lib/outcome.js";
import { attachmentLines, fileState } from "./lib/host-state.js";

// The fuzz property must be able to fail: each kind of bad outcome is named.
describe("fuzz property (lib/outcome.ts)", () => {
  const err = (o: object) => ({ stdout: JSON.stringify(o), exitCode: 1 });
  it("accepts spec errors and valid results", () => {
    expect(violation("ADD", err({ cniVersion: "1.1.0", code: 7, msg: "bad" }))).toBeUndefined();
    expect(violation("ADD", { ...err({ code: 999, msg: "ip link add ...: RTNETLINK answers: Invalid argument" }), stderr: "" })).toBeUndefined();
    expect(violation("DEL", { stdout: "", exitCode: 0 })).toBeUndefined();
    const result = { cniVersion: "1.0.0", ips: [{ address: "10.0.0.2/24" }] };
    expect(violation("ADD", { stdout: JSON.stringify(result), exitCode: 0 })).toBeUndefined();
    expect(violation("VERSION", { stdout: JSON.stringify({ cniVersion: "1.1.0", supportedVersions: ["1.1.0"] }), exitCode: 0 })).toBeUndefined();
  });
  it("flags crashes, stacks, undefined codes, bad results", () => {
    const crash = { ...err({ code: 999, msg: "x is undefined" }), stderr: "TypeError: x is undefined\n    at add (/p/add.js:3:9)\n" };
    expect(violation("ADD", crash)).toMatch(/unhandled exception/);
    expect(violation("ADD", err({ code: 42, msg: "m" }))).toMatch(/undefined error code 42/);
    expect(violation("ADD", { stdout: "Error: boom\n    at main (/x/y.js:1:2)\n", exitCode: 1 })).toMatch(/stack/);
    expect(violation("ADD", { stdout: "", exitCode: 2 })).toMatch(/exit status 2/);
    expect(violation("ADD", { stdout: "", exitCode: null, signal: "SIGSEGV" })).toMatch(/SIGSEGV/);
    expect(violation("ADD", { stdout: "", exitCode: null, timedOut: true })).toMatch(/hang/);
    expect(violation("ADD", { stdout: JSON.stringify({ cniVersion: "1.0.0", ips: [{ address: "nope" }] }), exitCode: 0 })).toMatch(/not a valid/);
    expect(violation("DEL", { stdout: "{}", exitCode: 0 })).toMatch(/output/);
    expect(violation("ADD", err({ code: 7 }))).toMatch(/msg/);
    expect(violation("ADD", err({ code: 7, msg: "m", stack: "..." }))).toMatch(/extra keys/);
  });
});

describe("attachment-level lines of a host diff", () => {
  it("veths, bridge ports, container links, reservations and per-container rules count; bridge and records do not", () => {
    const diff = [
      "+ [self] 5: thdbr0: <BROADCAST,UP> mtu 1500",
      "+ [self] 6: veth1234abcd@if2: <BROADCAST> mtu 1500 master thdbr0",
      "+ [thd-c1] 2: eth0@if6: <BROADCAST> mtu 1500",
      "+ [thd-c1] 1: lo: <LOOPBACK> mtu 65536",
      "+ /tmp/w ipam/net/10.1.0.5 12 abcdef",
      "+ /tmp/w ipam/net/last_reserved_ip.0 8 abcdef",
      "+ /tmp/w ipam/net/.tscni-index/base 128 abcdef",
      "+ /tmp/w state/networks/net.json 100 abcdef",
      '+ [self] comment "0123-4567, net: n, if: eth0, id: c1"',
    ].join("\n");
    expect(attachmentLines(diff)).toEqual([
      "+ [self] 6: veth1234abcd@if2: <BROADCAST> mtu 1500 master thdbr0",
      "+ [thd-c1] 2: eth0@if6: <BROADCAST> mtu 1500",
      "+ /tmp/w ipam/net/10.1.0.5 12 abcdef",
      '+ [self] comment "0123-4567, net: n, if: eth0, id: c1"',
    ]);
  });
});

describe("file state of a host diff", () => {
  it("keeps one line per entry when a fuzzed name holds a newline, so a directory still reads as one", () => {
    const root = mkdtempSync(join(tmpdir(), "thd-fs-"));
    try {
      mkdirSync(join(root, "ipam\nb"));
      writeFileSync(join(root, "ipam\nb", "x\\y"), "1");
      expect(fileState([root]).split("\n")).toEqual([`${root} ipam\\nb/`, `${root} ipam\\nb/x\\\\y 1 356a192b7913`]);
    } finally {
      rmSync(root, { recursive: true, force: true });
    }
  });
});

describe("host changes after a successful call", () => {
  const dir = "+ /tmp/w ipam/thdnet/";
  const cache = "+ /tmp/w ipam/thdnet/.tscni-index/base 128 abcdef";
  const cursor = "+ /tmp/w ipam/thdnet/last_reserved_ip.0 9 abcdef";
  const reservation = "+ /tmp/w ipam/thdnet/10.77.0.10 12 abcdef";
  it("VERSION, CHECK and STATUS may change nothing, not even a directory or a cache file", () => {
    for (const verb of ["VERSION", "CHECK", "STATUS"]) {
      expect(afterSuccess(verb, dir)?.kind, verb).toBe("changed-by-read-only-verb");
      expect(afterSuccess(verb, cache)?.kind, verb).toBe("changed-by-read-only-verb");
      expect(afterSuccess(verb, ""), verb).toBeUndefined();
    }
  });
  it("ADD and INIT may leave directories, lock files and the cursor after their cleanup, nothing else", () => {
    expect(afterSuccess("ADD", [dir, cursor].join("\n"))).toBeUndefined();
    expect(afterSuccess("ADD", [dir, reservation].join("\n"))).toEqual({ kind: "residue-after-cleanup", lines: [reservation] });
    expect(afterSuccess("INIT", cache)?.kind).toBe("residue-after-cleanup");
  });
  it("DEL, GC and DEINIT may change the host: reported, not failed", () => {
    for (const verb of ["DEL", "GC", "DEINIT"]) expect(afterSuccess(verb, reservation)?.kind, verb).toBe("changed-after-success");
  });
});
