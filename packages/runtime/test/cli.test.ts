import { randomBytes } from "node:crypto";
import { chmodSync, existsSync, readdirSync, readFileSync, readlinkSync, statSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { execa } from "execa";
import { afterEach, describe, expect, it } from "vitest";
import { distPath, nodeTs, testedTargets, testPlugins } from "@tscni/testing/repo";
import { addNetns, delNetns, listNetns, netnsPath } from "../src/cli/netns.js";
import { cnitoolContainerId } from "../src/cli/setup.js";
import { World } from "./helpers/env.js";

const ROOT = join(dirname(fileURLToPath(import.meta.url)), "..", "..", "..");
const MAIN = join(ROOT, "packages/runtime/src/cli/main.ts");
/** The CLI from source; in the multi-call project the multi-call file as `tscni`, as an operator installs it. */
const CLI = testPlugins() === "multi" ? [distPath("tscni")] : nodeTs(MAIN);

/** Runs `CLI`, or the built executable `bin`, with exactly PATH and `env`. */
async function tscni(args: string[], env: Record<string, string> = {}, bin?: string): Promise<{ code: number | null; stdout: string; stderr: string }> {
  const [file, ...pre] = bin ? [bin] : CLI;
  const r = await execa(file!, [...pre, ...args], { cwd: ROOT, env: { PATH: process.env.PATH, ...env }, extendEnv: false, stdin: "ignore", stripFinalNewline: false, reject: false });
  return { code: r.exitCode ?? null, stdout: r.stdout, stderr: r.stderr };
}

let w: World | undefined;
/** The demo's own namespaces still present (it prints its host netns name: tscni-demo-ID-host). */
async function demoNetnsLeft(stdout: string): Promise<string[]> {
  const id = /host netns (tscni-demo-[0-9a-f]+)-host/.exec(stdout)?.[1];
  expect(id, "the demo names its host netns").toBeDefined();
  return (await listNetns()).filter((n) => n.startsWith(`${id}-`));
}

const netns: string[] = [];
afterEach(async () => {
  for (const n of netns.splice(0)) await delNetns(n);
  w?.remove();
  w = undefined;
});

describe("tscni CLI", () => {
  it("cnitool-style add/check/del with NETCONFPATH, CNI_PATH, CNI_ARGS, CAP_ARGS, CNI_IFNAME; --json output", async () => {
    w = new World();
    w.writeList("net1", [{ type: "fake-a", capabilities: { portMappings: true } }]);
    const env = { NETCONFPATH: w.conf, CNI_PATH: w.bin, TSCNI_CACHE_DIR: w.cache, CNI_ARGS: "A=1;B=2", CAP_ARGS: '{"portMappings":[{"hostPort":1}]}', CNI_IFNAME: "net0" };
    const add = await tscni(["add", "net1", "/var/run/netns/some-ctr", "--json"], env);
    expect(add.code).toBe(0);
    expect(JSON.parse(add.stdout)).toMatchObject({ cniVersion: "1.1.0", interfaces: [{ name: "fake-a-net0" }] });
    const call = w.calls().find((c) => c.cmd === "ADD")!;
    expect(call.env).toMatchObject({ CNI_CONTAINERID: cnitoolContainerId("/var/run/netns/some-ctr"), CNI_IFNAME: "net0", CNI_ARGS: "A=1;B=2", CNI_NETNS: "/var/run/netns/some-ctr" });
    expect(call.conf.runtimeConfig).toEqual({ portMappings: [{ hostPort: 1 }] });
    expect(cnitoolContainerId("/var/run/netns/some-ctr")).toMatch(/^cnitool-[0-9a-f]{20}$/);
    expect((await tscni(["check", "net1", "/var/run/netns/some-ctr"], env)).code).toBe(0);
    const list = await tscni(["attachments", "--json"], env);
    expect(JSON.parse(list.stdout)).toEqual([expect.objectContaining({ networkName: "net1", ifName: "net0" })]);
    const nets = await tscni(["networks"], env);
    expect(nets.stdout).toMatch(/net1\s+initialised\s+1 attachment/);
    expect((await tscni(["del", "net1", "/var/run/netns/some-ctr"], env)).code).toBe(0);
    expect(readdirSync(join(w.cache, "results"))).toEqual([]);
  });

  it("reports the plugin's error code and message (human and --json), exit status 1", async () => {
    w = new World();
    w.writeList("net1", [{ type: "fake-a", fail: { STATUS: { code: 50, msg: "no uplink" } } }]);
    const env = { NETCONFPATH: w.conf, CNI_PATH: w.bin, TSCNI_CACHE_DIR: w.cache };
    const human = await tscni(["status", "net1"], env);
    expect(human.code).toBe(1);
    expect(human.stderr).toContain('error 50 (plugin 0 "fake-a", STATUS): no uplink');
    const json = await tscni(["status", "net1", "--json"], env);
    expect(json.code).toBe(1);
    expect(JSON.parse(json.stdout)).toEqual({ code: 50, msg: "no uplink", plugin: "fake-a", command: "STATUS", index: 0 });
    const missing = await tscni(["add", "nope", "/x", "--json"], env);
    expect(JSON.parse(missing.stdout)).toMatchObject({ code: 7, msg: expect.stringContaining('no net configuration with name "nope"') });
  });

  it("init, gc --valid, reconcile, version, deinit", async () => {
    w = new World();
    w.writeList("net1", [{ type: "fake-a" }]);
    const env = { NETCONFPATH: w.conf, CNI_PATH: w.bin, TSCNI_CACHE_DIR: w.cache };
    expect((await tscni(["init", "net1"], env)).stdout).toContain("net1: initialised");
    await tscni(["add", "net1", "/x/a", "--container", "ca"], env);
    await tscni(["add", "net1", "/x/b", "--container", "cb"], env);
    const gc = await tscni(["gc", "net1", "--valid", "cb:eth0", "--json"], env);
    expect(JSON.parse(gc.stdout)).toMatchObject({ deleted: [{ containerID: "ca", ifname: "eth0" }] });
    expect(JSON.parse((await tscni(["reconcile", "--json"], env)).stdout).steps).toEqual([{ network: "net1", action: "none", phase: "initialised" }]);
    expect((await tscni(["version", "net1"], env)).stdout).toMatch(/fake-a\s+0\.3\.1 0\.4\.0 1\.0\.0 1\.1\.0/);
    expect((await tscni(["version"], env)).stdout).toContain("tscni");
    // cb is still attached: deinit refuses, names it, and changes nothing; --force does it
    const refused = await tscni(["deinit", "net1"], env);
    expect(refused.code).toBe(1);
    expect(refused.stderr).toContain("still has 1 attachment");
    expect(refused.stderr).toContain("cb/eth0");
    expect(w.calls().filter((c) => c.cmd === "DEINIT")).toEqual([]);
    expect((await tscni(["deinit", "net1", "--force"], env)).code).toBe(0);
    expect(w.calls().filter((c) => c.cmd === "DEINIT" && c.phase === "end")).toHaveLength(1);
  });

  it("network remove: DEL of every cached attachment, then DEINIT, then the network is forgotten", async () => {
    w = new World();
    w.writeList("net1", [{ type: "fake-a" }]);
    const env = { NETCONFPATH: w.conf, CNI_PATH: w.bin, TSCNI_CACHE_DIR: w.cache };
    await tscni(["add", "net1", "/x/a", "--container", "ca"], env);
    await tscni(["add", "net1", "/x/b", "--container", "cb"], env);
    const r = await tscni(["network", "remove", "net1"], env);
    expect(r.stderr).toBe("");
    expect(r.code).toBe(0);
    const after = w.calls().filter((c) => c.phase === "end").map((c) => `${c.cmd}${c.env.CNI_CONTAINERID ? ` ${c.env.CNI_CONTAINERID}` : ""}`);
    const tail = after.slice(after.lastIndexOf("ADD cb") + 1);
    expect(tail.filter((c) => c.startsWith("DEL")).sort()).toEqual(["DEL ca", "DEL cb"]);
    expect(tail[tail.length - 1]).toBe("DEINIT");
    expect(tail.indexOf("DEINIT")).toBeGreaterThan(Math.max(tail.indexOf("DEL ca"), tail.indexOf("DEL cb")));
    expect(JSON.parse((await tscni(["attachments", "--json"], env)).stdout)).toEqual([]);
    const nets = JSON.parse((await tscni(["network", "list", "--json"], env)).stdout) as Array<{ name: string; phase: string }>;
    expect(nets.find((n) => n.name === "net1")?.phase ?? "forgotten").not.toBe("initialised");
  });

  it("the built tscni runs the demo with our own plugins, found beside it, and leaves nothing behind", async () => {
    // dist/bin/tscni with the single-plugin files; in the multi-call project dist/multi/tscni with
    // the multi-call file's other names
    const bin = distPath("tscni");
    const r = await execa(bin, ["demo"], { env: { PATH: process.env.PATH }, extendEnv: false, stdin: "ignore", stderr: "inherit", reject: false });
    expect(r.stdout).toContain(`plugins from ${dirname(distPath("bridge"))}\n`);
    expect(r.exitCode).toBe(0);
    for (const s of ["INIT demo-lo and demo-br", "ICMP echo reply", "CHECK container 1", "GC demo-br", "DEINIT demo-br", "cleaned up"]) expect(r.stdout).toContain(s);
    expect(r.stdout).not.toContain("✗");
    expect(await demoNetnsLeft(r.stdout)).toEqual([]);
  }, 60_000);

  it("demo runs end to end with the Go plugins and leaves nothing behind", async () => {
    const r = await tscni(["demo", "--plugins-dir", "/usr/lib/cni"]);
    expect(r.stderr).toBe("");
    expect(r.code).toBe(0);
    for (const s of ["ADD container 1", "ping container 2", "ping the gateway", "CHECK container 1", "STATUS demo-br", "GC demo-br", "DEINIT demo-br", "cleaned up"]) expect(r.stdout).toContain(s);
    expect(r.stdout).not.toContain("✗");
    expect(await demoNetnsLeft(r.stdout)).toEqual([]);
    const work = /state in (\S+)/.exec(r.stdout)![1]!;
    expect(existsSync(work)).toBe(false);
  }, 60_000);

  it("--netns-exec runs plugins inside the given netns", async () => {
    w = new World();
    const host = `tr-cli-${randomBytes(3).toString("hex")}`;
    await addNetns(host);
    netns.push(host);
    w.writeList("net1", [{ type: "fake-a" }]);
    const env = { NETCONFPATH: w.conf, CNI_PATH: w.bin, TSCNI_CACHE_DIR: w.cache };
    expect((await tscni(["init", "net1", "--netns-exec", host], env)).code).toBe(0);
    // the fake plugin logs the netns it ran in: it must be the throwaway one, not ours
    const ran = w.calls().find((c) => c.cmd === "INIT")!.netns;
    expect(ran).toBe(`net:[${statSync(netnsPath(host)).ino}]`);
    expect(ran).not.toBe(readlinkSync("/proc/self/ns/net"));
  });
});

/** Alive and not a zombie. */
function running(pid: number): boolean {
  try {
    return !/^\d+ \(.*\) Z/.test(readFileSync(`/proc/${pid}/stat`, "utf8"));
  } catch {
    return false;
  }
}

// The runtime runs plugins through execa (@tscni/invoke's runPlugin): the standalone CLI runs
// it on Bun's node:child_process, the node bundle on Node's. Both must give the same results.
describe.each(testedTargets())("the built tscni (%s) runs plugins through execa", (target) => {
  const bin = distPath("tscni", target);

  it("add, check, del: the plugin gets its env and stdin, the result comes back", async () => {
    w = new World();
    w.writeList("net1", [{ type: "fake-a" }]);
    const env = { NETCONFPATH: w.conf, CNI_PATH: w.bin, TSCNI_CACHE_DIR: w.cache, CNI_IFNAME: "net0" };
    const add = await tscni(["add", "net1", "/var/run/netns/some-ctr", "--json"], env, bin);
    expect(add.code, add.stderr).toBe(0);
    expect(JSON.parse(add.stdout)).toMatchObject({ cniVersion: "1.1.0", interfaces: [{ name: "fake-a-net0" }] });
    expect(w.calls().find((c) => c.cmd === "ADD")!.env).toMatchObject({ CNI_IFNAME: "net0", CNI_NETNS: "/var/run/netns/some-ctr", CNI_PATH: w.bin });
    expect((await tscni(["check", "net1", "/var/run/netns/some-ctr"], env, bin)).code).toBe(0);
    expect((await tscni(["del", "net1", "/var/run/netns/some-ctr"], env, bin)).code).toBe(0);
    expect(w.done()).toEqual(["INIT fake-a", "ADD fake-a", "CHECK fake-a", "DEL fake-a"]);
  });

  it("--timeout: the plugin is killed and the answer is code 11", async () => {
    w = new World();
    w.writeList("net1", [{ type: "fake-a", sleepMs: { ADD: 60_000 } }]);
    const env = { NETCONFPATH: w.conf, CNI_PATH: w.bin, TSCNI_CACHE_DIR: w.cache };
    const add = await tscni(["add", "net1", "/x/a", "--timeout", "1500", "--json"], env, bin);
    expect(add.code).toBe(1);
    expect(JSON.parse(add.stdout)).toMatchObject({ code: 11, msg: "plugin fake-a timed out after 1500 ms and was killed", plugin: "fake-a", command: "ADD" });
    const started = w.calls().find((c) => c.cmd === "ADD" && c.phase === "start")!;
    expect(running(started.pid)).toBe(false);
  });

  it("a plugin that cannot be exec'd: code 5 with the errno", async () => {
    w = new World();
    chmodSync(join(w.bin, "fake-a"), 0o644);
    w.writeList("net1", [{ type: "fake-a" }]);
    const env = { NETCONFPATH: w.conf, CNI_PATH: w.bin, TSCNI_CACHE_DIR: w.cache };
    const status = await tscni(["status", "net1", "--json"], env, bin);
    expect(status.code).toBe(1);
    expect(JSON.parse(status.stdout)).toMatchObject({ code: 5, msg: `failed to exec plugin ${join(w.bin, "fake-a")}`, details: expect.stringContaining("EACCES") });
  });
});
