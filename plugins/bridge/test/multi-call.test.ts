// The bridge run from the multi-call file (dist/bin/tscni-plugins): with CNI_PATH's bridge
// and host-local both names of that one file, an ADD runs host-local in the bridge's own
// process and execs nothing at all (strace -f); with Go's host-local in CNI_PATH instead,
// that host-local is exec'd.
import { spawnSync } from "node:child_process";
import { existsSync, linkSync, mkdirSync, readdirSync, readFileSync, symlinkSync } from "node:fs";
import { basename, join } from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { createSandbox, leftovers, type Sandbox } from "@tscni/testing";
import { distPath } from "@tscni/testing/repo";
import { conf, hasLink, ports } from "./helpers.js";

const MULTI = distPath("tscni-plugins");
let sb: Sandbox;
beforeEach(async () => (sb = await createSandbox({ prefix: "tbm-" })));
afterEach(async () => {
  await sb?.cleanup();
  expect(leftovers("tbm-")).toEqual({ netns: [], mounts: [], tmpDirs: [] });
});

/** A CNI_PATH dir: `bridge` a symlink to the multi-call file, `host-local` a hard link to it or Go's. */
function cniDir(ipam: "ours" | "go"): string {
  const dir = join(sb.tmpDir, `bin-${ipam}`);
  mkdirSync(dir);
  symlinkSync(MULTI, join(dir, "bridge"));
  if (ipam === "ours") linkSync(MULTI, join(dir, "host-local"));
  else symlinkSync("/usr/lib/cni/host-local", join(dir, "host-local"));
  return dir;
}

/** Run `dir/bridge` in the sandbox host under strace -f: its exit, stdout and the programs exec'd besides itself. */
function traced(dir: string, command: string, stdin: object) {
  const log = join(sb.tmpDir, `strace-${command}-${Math.random().toString(36).slice(2)}`);
  const bridge = join(dir, "bridge");
  const r = spawnSync("ip", ["netns", "exec", sb.host.name, "strace", "-f", "-qq", "-e", "trace=execve", "-o", log, bridge], {
    env: { PATH: process.env.PATH, CNI_COMMAND: command, CNI_PATH: dir, CNI_CONTAINERID: "ctr1", CNI_IFNAME: "eth0", CNI_NETNS: sb.container.path },
    input: JSON.stringify(stdin),
    encoding: "utf8",
  });
  const execs = readFileSync(log, "utf8").split("\n").filter((l) => /execve\(/.test(l) && !/= -1 /.test(l)).map((l) => /execve\("([^"]+)"/.exec(l)![1]!);
  return { code: r.status, out: r.stdout, json: r.stdout ? JSON.parse(r.stdout) : undefined, execs: execs.filter((p) => p !== bridge) };
}

const reservations = () => {
  const d = join(sb.tmpDir, "ipam", "tbrnet");
  return existsSync(d) ? readdirSync(d).filter((f) => /^\d/.test(f)) : [];
};

describe("bridge from the multi-call file", () => {
  it("bridge and host-local as names of that file: after INIT, ADD execs nothing and DEL only the veth's teardown; host-local's store is used", async () => {
    const dir = cniDir("ours");
    // INIT takes the network's lock (flock(2) through bun:ffi, no exec); host-local's INIT runs in-process too.
    expect(traced(dir, "INIT", conf(sb))).toMatchObject({ code: 0, execs: [] });
    const add = traced(dir, "ADD", conf(sb));
    expect(add.code, add.out).toBe(0);
    expect(add.json.ips).toEqual([{ interface: 2, address: "10.88.0.2/24", gateway: "10.88.0.1" }]);
    expect(add.execs).toEqual([]);
    expect(reservations()).toEqual(["10.88.0.2"]);
    expect(readFileSync(join(sb.tmpDir, "ipam", "tbrnet", "10.88.0.2"), "utf8")).toBe("ctr1\r\neth0");
    expect(await ports(sb)).toHaveLength(1);
    // The early hook starts the veth's teardown in an `ip` of its own, so the kernel's work
    // overlaps the plugin's load (@tscni/net/overlap); IPAM's DEL runs in-process.
    const del = traced(dir, "DEL", conf(sb));
    expect(del.code, del.out).toBe(0);
    expect(del.execs.map((e) => basename(e))).toEqual(["ip"]);
    expect(reservations()).toEqual([]);
    expect(await hasLink(sb, sb.container, "eth0")).toBe(false);
  });

  it("Go's host-local in CNI_PATH: exec'd, and the ADD still works", async () => {
    const dir = cniDir("go");
    const c = conf(sb, { cniVersion: "1.0.0" }); // Go's v1.1.1 host-local predates CNI 1.1
    const init = traced(dir, "INIT", c);
    expect(init.code, init.out).toBe(0);
    expect(init.execs).toContain(join(dir, "host-local"));
    const add = traced(dir, "ADD", c);
    expect(add.code, add.out).toBe(0);
    expect(add.json.ips[0].address).toBe("10.88.0.2/24");
    expect(add.execs).toEqual([join(dir, "host-local")]);
    expect(reservations()).toEqual(["10.88.0.2"]);
    const del = traced(dir, "DEL", c);
    expect(del.code).toBe(0);
    expect(del.execs.map((e) => (e === join(dir, "host-local") ? e : basename(e)))).toEqual(["ip", join(dir, "host-local")]);
    expect(reservations()).toEqual([]);
  });
});
