// Config generations end to end (docs/lifecycle.md): the runtime library driving our bridge,
// host-local and the fixture plugin in throwaway namespaces while an operator changes the
// network's config under live containers. Live attachments keep working until DELed; what
// an old config held is released by its DEINIT once its last attachment is gone.
import { existsSync, mkdirSync, readFileSync, readdirSync, writeFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { createRuntime, type Runtime } from "@tscni/runtime";
import { canConnect, createSandbox, leftovers, type Netns, type Sandbox } from "@tscni/testing";
import { distPath } from "@tscni/testing/repo";

const PREFIX = "tgn-";
let sb: Sandbox;
let rt: Runtime;
let confDir: string;
beforeEach(async () => {
  sb = await createSandbox({ prefix: PREFIX, containers: 3 });
  confDir = join(sb.tmpDir, "net.d");
  mkdirSync(confDir);
  rt = createRuntime({
    // bridge and host-local (dist/bin, or dist/multi in the multi-call project), then the fixture (dist/bin)
    pluginDirs: [...new Set([dirname(distPath("bridge")), dirname(distPath("tscni-fixture"))])],
    confDir,
    cacheDir: join(sb.tmpDir, "cache"),
    execWrapper: ["ip", "netns", "exec", sb.host.name],
    execTimeoutMs: 30_000,
  });
});
afterEach(async () => {
  await sb?.cleanup();
  expect(leftovers(PREFIX)).toEqual({ netns: [], mounts: [], tmpDirs: [] });
});

const recordFile = () => join(sb.tmpDir, "fixture-calls");
function bridgePlugin(bridge: string, subnet: string, extra: Record<string, unknown> = {}) {
  return {
    type: "bridge",
    bridge,
    isGateway: true,
    stateDir: join(sb.tmpDir, "state"),
    ipam: { type: "host-local", dataDir: join(sb.tmpDir, "ipam"), ranges: [[{ subnet }]] },
    ...extra,
  };
}
const fixture = () => ({ type: "tscni-fixture", fixture: { recordFile: recordFile() } });
function writeConf(plugins: object[]) {
  writeFileSync(join(confDir, "gen.conflist"), JSON.stringify({ cniVersion: "1.1.0", name: "gen", plugins }));
}
const att = (i: number) => ({ network: "gen", containerId: `ctr${i}`, ifName: "eth0", netns: sb.containers[i]!.path });
const ipOf = (r: Record<string, unknown> | undefined) => String((r!.ips as Array<{ address: string }>)[0]!.address).split("/")[0]!;
const fixtureCalls = () => (existsSync(recordFile()) ? readFileSync(recordFile(), "utf8").trim().split("\n").map((l) => JSON.parse(l).command as string) : []);
const hostAddrs = async (dev: string) => {
  const r = await sb.run(sb.host, ["ip", "-j", "-4", "addr", "show", "dev", dev], { check: false });
  return r.exitCode === 0 ? ((JSON.parse(r.stdout)[0]?.addr_info ?? []) as Array<{ local: string; prefixlen: number }>).map((a) => `${a.local}/${a.prefixlen}`).sort() : [];
};
const hasLink = async (dev: string) => (await sb.run(sb.host, ["ip", "link", "show", dev], { check: false })).exitCode === 0;
const portsOf = async (dev: string) => {
  const r = await sb.run(sb.host, ["ip", "-j", "link", "show", "master", dev], { check: false });
  return r.exitCode === 0 && r.stdout.trim() ? (JSON.parse(r.stdout) as unknown[]).length : 0;
};
const nft = async () => (await sb.run(sb.host, ["nft", "list", "ruleset"])).stdout;
const reservations = () => readdirSync(join(sb.tmpDir, "ipam", "gen")).filter((f) => /^\d/.test(f)).sort();
const reaches = (from: Netns, ip: string, to: Netns = sb.host) => canConnect(from, to, ip);

describe("config changes under live containers", () => {
  it("subnet change, then bridge rename: old attachments keep working until DELed, then their config's resources go", async () => {
    const [c0, c1, c2] = sb.containers as [Netns, Netns, Netns];
    writeConf([bridgePlugin("tgn0", "10.81.0.0/24", { ipMasq: true, ipMasqBackend: "nftables", isDefaultGateway: true })]);
    expect(ipOf(await rt.add(att(0)))).toBe("10.81.0.2");

    writeConf([bridgePlugin("tgn0", "10.82.0.0/24", { ipMasq: true, ipMasqBackend: "nftables", isDefaultGateway: true })]);
    expect(ipOf(await rt.add(att(1)))).toBe("10.82.0.2");
    // both gateways on the one bridge, both subnets masqueraded, both containers routed
    expect(await hostAddrs("tgn0")).toEqual(["10.81.0.1/24", "10.82.0.1/24"]);
    const rules = await nft();
    expect(rules).toContain("10.81.0.0/24");
    expect(rules).toContain("10.82.0.0/24");
    expect(await reaches(c0, "10.81.0.1")).toBe(true);
    expect(await reaches(c1, "10.82.0.1")).toBe(true);
    expect(await reaches(c0, "10.82.0.2", c1)).toBe(true); // across subnets, through the host

    writeConf([bridgePlugin("tgn1", "10.82.0.0/24")]);
    expect(ipOf(await rt.add(att(2)))).toBe("10.82.0.3");
    expect(await portsOf("tgn0")).toBe(2); // the old bridge and its ports stay under the live containers
    expect(await portsOf("tgn1")).toBe(1);
    // the old attachments keep working; the subnet is routed through the old bridge until it goes
    expect(await reaches(c0, "10.81.0.1")).toBe(true);
    expect(await reaches(c1, "10.82.0.1")).toBe(true);
    expect(rt.networks()[0]!.generations.map((g) => `${g.status}:${g.attachments}`)).toEqual(["initialised:1", "draining:1", "draining:1"]);

    // the first config's last attachment goes: its gateway and its subnet's rule go, nothing else
    await rt.del(att(0));
    expect(await hostAddrs("tgn0")).toEqual(["10.82.0.1/24"]);
    expect(await nft()).not.toContain("10.81.0.0/24");
    expect(await nft()).toContain("10.82.0.0/24");
    expect(await reaches(c1, "10.82.0.1")).toBe(true);
    expect(reservations()).toEqual(["10.82.0.2", "10.82.0.3"]); // the shared store keeps the others' reservations

    // the second config's last attachment goes: the old bridge (ours, unclaimed) and the masquerade go
    await rt.del(att(1));
    expect(await hasLink("tgn0")).toBe(false);
    expect(await nft()).not.toContain("10.82.0.0/24");
    expect(await reaches(c2, "10.82.0.1")).toBe(true);
    expect(reservations()).toEqual(["10.82.0.3"]);
    expect(rt.networks()[0]!.generations.map((g) => g.status)).toEqual(["initialised"]);

    await rt.del(att(2));
    await rt.deinit("gen");
    expect(await hasLink("tgn1")).toBe(false);
  });

  it("a plugin added to and then removed from the chain: INIT when added, DEINIT once no attachment was made with it, the bridge untouched", async () => {
    const [c0, c1, c2] = sb.containers as [Netns, Netns, Netns];
    writeConf([bridgePlugin("tgn2", "10.83.0.0/24")]);
    await rt.add(att(0));
    writeConf([bridgePlugin("tgn2", "10.83.0.0/24"), fixture()]);
    await rt.add(att(1));
    expect(fixtureCalls()).toEqual(["INIT", "ADD"]);
    await rt.del(att(0)); // the first config drains: every instance of it lives on in the second
    expect(fixtureCalls()).toEqual(["INIT", "ADD"]);
    expect(await hasLink("tgn2")).toBe(true);
    expect(await reaches(c1, "10.83.0.1")).toBe(true);

    writeConf([bridgePlugin("tgn2", "10.83.0.0/24")]);
    await rt.add(att(2));
    expect(fixtureCalls()).toEqual(["INIT", "ADD"]); // c1 still holds the config with the fixture
    await rt.del(att(1));
    expect(fixtureCalls()).toEqual(["INIT", "ADD", "DEL", "DEINIT"]);
    expect(await hasLink("tgn2")).toBe(true); // the bridge instance is the current config's too
    expect(await hostAddrs("tgn2")).toEqual(["10.83.0.1/24"]);
    expect(await reaches(c2, "10.83.0.1")).toBe(true);
    expect(await reaches(c0, "10.83.0.1")).toBe(false); // c0 was DELed
    await rt.del(att(2));
    await rt.deinit("gen");
    expect(await hasLink("tgn2")).toBe(false);
  });
});
