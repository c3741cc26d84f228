import { spawnSync } from "node:child_process";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { buildTargets, createSandbox, runExecutable, runInProcess, type BuiltTargets, type Sandbox } from "@tscni/testing";
import { setMtuPlugin } from "./src/plugin.js";

// The plugin that packages/skel/README.md walks through, built and run as an author would.
let sb: Sandbox;
let bins: BuiltTargets;

beforeAll(async () => {
  sb = await createSandbox({ prefix: "tx-" });
  bins = await buildTargets(join(import.meta.dirname, "src/main.ts"), join(sb.tmpDir, "build"), "set-mtu");
}, 120_000);
afterAll(() => sb?.cleanup());

/** A container with eth0 whose peer stays in the sandbox host: what a main plugin would leave. */
async function containerWithEth0() {
  const ns = await sb.addNetns("c");
  const host = `tx${Math.random().toString(16).slice(2, 10)}`;
  await sb.run(sb.host, ["ip", "link", "add", host, "type", "veth", "peer", "name", "eth0", "netns", ns.name]);
  const prevResult = { cniVersion: "1.1.0", interfaces: [{ name: "eth0", mac: "02:00:00:00:00:01", sandbox: ns.path }], ips: [{ address: "10.5.0.2/24", interface: 0 }] };
  return { ns, prevResult };
}

const env = (command: string, netns: string) => ({ CNI_COMMAND: command, CNI_CONTAINERID: "ex1", CNI_NETNS: netns, CNI_IFNAME: "eth0", CNI_PATH: "/opt/cni/bin" });
const conf = (extra: object) => ({ cniVersion: "1.1.0", name: "ex", type: "set-mtu", mtu: 1280, ...extra });

async function mtuOf(ns: string) {
  const { stdout } = await sb.run(ns, ["ip", "-json", "link", "show", "dev", "eth0"]);
  return JSON.parse(stdout)[0].mtu as number;
}

describe("example plugin from the guide", () => {
  it("runs in-process: sets the mtu and reports it in the result", async () => {
    const { ns, prevResult } = await containerWithEth0();
    // In-process runs in the test's own netns; CNI_NETNS names the container, which is all it touches.
    const r = await runInProcess(setMtuPlugin, { env: env("ADD", ns.path), stdin: conf({ prevResult }) });
    expect(r.exitCode).toBe(0);
    expect((r.json as { interfaces: Array<{ mtu?: number }> }).interfaces[0]!.mtu).toBe(1280);
    expect(await mtuOf(ns.name)).toBe(1280);
  });

  it.each(["standalone", "node"] as const)("runs as the %s executable: ADD then CHECK", async (target) => {
    const { ns, prevResult } = await containerWithEth0();
    const add = await runExecutable(bins[target], { env: env("ADD", ns.path), stdin: conf({ prevResult }), netns: sb.host.name });
    expect(add.exitCode).toBe(0);
    expect(await mtuOf(ns.name)).toBe(1280);
    const check = await runExecutable(bins[target], { env: env("CHECK", ns.path), stdin: conf({ prevResult: add.json }), netns: sb.host.name });
    expect(check.exitCode).toBe(0);
  });

  /**
   * The programs a run exec'd besides the plugin itself (strace -f -e trace=execve, inside
   * the sandbox host): the node build's interpreter (env, node) is the plugin too.
   */
  function execsOf(target: keyof BuiltTargets, command: string, netns: string, stdin: object): { code: number | null; out: string; execs: string[] } {
    const log = join(sb.tmpDir, `strace-${target}-${command}`);
    const r = spawnSync("ip", ["netns", "exec", sb.host.name, "strace", "-f", "-qq", "-e", "trace=execve", "-o", log, bins[target]], {
      env: { PATH: process.env.PATH, ...env(command, netns) }, input: JSON.stringify(stdin), encoding: "utf8",
    });
    const programs = readFileSync(log, "utf8").split("\n").filter((l) => /execve\(/.test(l) && !/= -1 /.test(l)).map((l) => /execve\("([^"]+)"/.exec(l)![1]!);
    const own = new Set([bins[target], "/usr/bin/env", process.execPath, "/usr/bin/node", "/usr/local/bin/node"]);
    return { code: r.status, out: r.stdout, execs: programs.filter((p) => !own.has(p)).map((p) => p.slice(p.lastIndexOf("/") + 1)) };
  }

  it.each([
    ["standalone", { ADD: [], CHECK: [], DEL: [] }],
    ["node", { ADD: ["ip"], CHECK: ["ip"], DEL: [] }],
  ] as const)("as the %s executable, ADD, CHECK and DEL exec only what its backend needs", async (target, want) => {
    const { ns, prevResult } = await containerWithEth0();
    const add = execsOf(target, "ADD", ns.path, conf({ prevResult }));
    expect(add.code).toBe(0);
    expect(await mtuOf(ns.name)).toBe(1280);
    const check = execsOf(target, "CHECK", ns.path, conf({ prevResult: JSON.parse(add.out) }));
    const del = execsOf(target, "DEL", ns.path, conf({ prevResult: JSON.parse(add.out) }));
    expect([check.code, del.code]).toEqual([0, 0]);
    // Standalone: in-process netlink, no execve at all; the node bundle: one `ip -batch` each.
    expect({ ADD: add.execs, CHECK: check.execs, DEL: del.execs }).toEqual(want);
  });

  it.each(["standalone", "node"] as const)("as the %s executable, a missing interface is code 7 with the kernel's words in details", async (target) => {
    const { ns, prevResult } = await containerWithEth0();
    const r = await runExecutable(bins[target], { env: { ...env("ADD", ns.path), CNI_IFNAME: "eth9" }, stdin: conf({ prevResult }), netns: sb.host.name });
    expect(r.json).toMatchObject({ code: 7, msg: `no interface eth9 in ${ns.path}` });
    expect((r.json as { details: string }).details).toMatch(target === "standalone" ? /^netlink request: ip link set dev eth9 mtu 1280\n.*errno: ENODEV/s : /^command: ip .*link set dev eth9 mtu 1280\n.*Cannot find device "eth9"/s);
  });

  it("rejects an out-of-range mtu with code 7 naming the key, and a missing prevResult", async () => {
    const { ns, prevResult } = await containerWithEth0();
    const bad = await runExecutable(bins.standalone, { env: env("ADD", ns.path), stdin: conf({ mtu: 20, prevResult }), netns: sb.host.name });
    expect(bad.json).toMatchObject({ code: 7 });
    expect((bad.json as { msg: string }).msg).toContain("mtu");
    const noPrev = await runExecutable(bins.standalone, { env: env("ADD", ns.path), stdin: conf({}), netns: sb.host.name });
    expect(noPrev.json).toMatchObject({ code: 7 });
    expect(await mtuOf(ns.name)).toBe(1500);
  });

  it("CHECK fails when someone changed the mtu afterwards", async () => {
    const { ns, prevResult } = await containerWithEth0();
    await runInProcess(setMtuPlugin, { env: env("ADD", ns.path), stdin: conf({ prevResult }) });
    await sb.run(ns, ["ip", "link", "set", "eth0", "mtu", "1400"]);
    const check = await runInProcess(setMtuPlugin, { env: env("CHECK", ns.path), stdin: conf({ prevResult }) });
    expect(check.exitCode).toBe(1);
    expect((check.json as { msg: string }).msg).toContain("1400");
  });
});
