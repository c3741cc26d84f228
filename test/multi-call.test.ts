// Multi-call files doing real work, in throwaway namespaces:
// - which modules an ADD evaluates: a build of tscni-plugins' own entry that reports each
//   module as it is evaluated (compileWithModuleMarks); loopback's ADD loads nothing of the
//   bridge, cluster-ipam or host-local, and the bridge's ADD loads host-local (its delegate,
//   in-process) but nothing of cluster-ipam or loopback;
// - an author's plugin bundled with ours (tscni-build --multi): both names do their work
//   through a hard link and a symlink.
import { linkSync, mkdirSync, symlinkSync } from "node:fs";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { buildMultiCall, compileWithModuleMarks, markedModules, prepareMultiCall } from "@tscni/build";
import { multiCallPlugins } from "../packages/build/src/discover.js";
import { createSandbox, isLinkUp, leftovers, runExecutable, type Sandbox } from "@tscni/testing";
import { REPO_ROOT } from "@tscni/testing/repo";

let sb: Sandbox;
let marked: string;
let generated: string;
let author: string;

beforeAll(async () => {
  sb = await createSandbox({ prefix: "tmc-" });
  const prep = await prepareMultiCall(multiCallPlugins(REPO_ROOT), join(sb.tmpDir, "entry"));
  generated = prep.source;
  marked = join(sb.tmpDir, "marked", "tscni-plugins");
  mkdirSync(join(sb.tmpDir, "marked"));
  await compileWithModuleMarks(prep, marked);
  author = (await buildMultiCall([`set-mtu=${join(REPO_ROOT, "test/example-plugin/src/main.ts")}`, join(REPO_ROOT, "plugins/loopback/src/main.ts")], { target: "standalone", outfile: join(sb.tmpDir, "author", "my-plugins") })).outfile;
}, 180_000);
afterAll(async () => {
  await sb?.cleanup();
  expect(leftovers("tmc-")).toEqual({ netns: [], mounts: [], tmpDirs: [] });
});

/** `dir/name` for each name, each a symlink to `file`; returns dir. */
function linkDir(file: string, dir: string, names: string[]): string {
  mkdirSync(dir, { recursive: true });
  for (const n of names) symlinkSync(file, join(dir, n));
  return dir;
}

const rel = (m: string) => (m.startsWith(REPO_ROOT) ? m.slice(REPO_ROOT.length + 1) : m);
/** The modules of these package directories a run evaluated. */
const evaluatedIn = (stderr: string, dirs: string[]) => markedModules(stderr).filter((m) => m !== generated).map(rel).filter((m) => dirs.some((d) => m.startsWith(`${d}/`)));

const env = (command: string, netns: string, path: string) => ({ CNI_COMMAND: command, CNI_CONTAINERID: "mc1", CNI_NETNS: netns, CNI_IFNAME: "eth0", CNI_PATH: path });

describe("what an ADD through the multi-call file evaluates", () => {
  it("loopback ADD: loopback's modules and @tscni/net, nothing of the bridge, cluster-ipam or host-local", async () => {
    const dir = linkDir(marked, join(sb.tmpDir, "lo-bin"), ["loopback"]);
    const ns = await sb.addNetns("lo");
    const r = await runExecutable(join(dir, "loopback"), { env: { ...env("ADD", ns.path, dir), CNI_IFNAME: "lo" }, stdin: { cniVersion: "1.1.0", name: "mc-lo", type: "loopback" }, netns: sb.host.name });
    expect(r.exitCode, r.stdout).toBe(0);
    expect(await isLinkUp(ns, "lo")).toBe(true);
    expect(evaluatedIn(r.stderr, ["plugins/loopback/src"])).toContain("plugins/loopback/src/plugin.ts");
    expect(evaluatedIn(r.stderr, ["packages/net/src"]).length).toBeGreaterThan(0);
    expect(evaluatedIn(r.stderr, ["plugins/bridge", "plugins/cluster-ipam", "packages/cluster-pool", "packages/etcd", "plugins/host-local", "packages/runtime"])).toEqual([]);
  });

  it("bridge ADD: host-local in-process (CNI_PATH's host-local is this file), nothing of cluster-ipam or loopback", async () => {
    const dir = linkDir(marked, join(sb.tmpDir, "br-bin"), ["bridge", "host-local"]);
    const stdin = { cniVersion: "1.1.0", name: "mcbr", type: "bridge", bridge: "tmcbr0", stateDir: join(sb.tmpDir, "state"), ipam: { type: "host-local", dataDir: join(sb.tmpDir, "ipam"), ranges: [[{ subnet: "10.89.0.0/24" }]] } };
    const add = await runExecutable(join(dir, "bridge"), { env: env("ADD", sb.container.path, dir), stdin, netns: sb.host.name });
    expect(add.exitCode, add.stdout).toBe(0);
    expect((add.json as { ips: Array<{ address: string }> }).ips[0]!.address).toBe("10.89.0.2/24");
    expect(evaluatedIn(add.stderr, ["plugins/host-local/src"])).toContain("plugins/host-local/src/plugin.ts");
    expect(evaluatedIn(add.stderr, ["plugins/cluster-ipam", "packages/cluster-pool", "packages/etcd", "plugins/loopback", "packages/runtime"])).toEqual([]);
    const del = await runExecutable(join(dir, "bridge"), { env: env("DEL", sb.container.path, dir), stdin, netns: sb.host.name });
    expect(del.exitCode, del.stdout).toBe(0);
  });
});

describe("an author's plugin bundled with ours", () => {
  it("set-mtu through a hard link and loopback through a symlink each do their work", async () => {
    const dir = join(sb.tmpDir, "author-bin");
    mkdirSync(dir);
    linkSync(author, join(dir, "set-mtu"));
    symlinkSync(author, join(dir, "loopback"));
    const ns = await sb.addNetns("mtu");
    await sb.run(sb.host, ["ip", "link", "add", "tmcv0", "type", "veth", "peer", "name", "eth0", "netns", ns.name]);
    const prevResult = { cniVersion: "1.1.0", interfaces: [{ name: "eth0", sandbox: ns.path }], ips: [{ address: "10.5.0.2/24", interface: 0 }] };
    const mtu = await runExecutable(join(dir, "set-mtu"), { env: env("ADD", ns.path, dir), stdin: { cniVersion: "1.1.0", name: "ex", type: "set-mtu", mtu: 1280, prevResult }, netns: sb.host.name });
    expect(mtu.exitCode, mtu.stdout).toBe(0);
    expect(JSON.parse((await sb.run(ns, ["ip", "-json", "link", "show", "eth0"])).stdout)[0].mtu).toBe(1280);
    const lo = await runExecutable(join(dir, "loopback"), { env: { ...env("ADD", ns.path, dir), CNI_IFNAME: "lo" }, stdin: { cniVersion: "1.1.0", name: "ex-lo", type: "loopback" }, netns: sb.host.name });
    expect(lo.exitCode, lo.stdout).toBe(0);
    expect(await isLinkUp(ns, "lo")).toBe(true);
  });
});
