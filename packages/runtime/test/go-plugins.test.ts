// The runtime driving the Go reference plugins (Debian v1.1.1 in /usr/lib/cni) end to end.
// Every plugin runs inside a throwaway "host" netns (execWrapper = ip netns exec HOST);
// containers are throwaway netns too. Nothing touches the root network namespace.
import { randomBytes } from "node:crypto";
import { existsSync, mkdtempSync, readdirSync, rmSync, writeFileSync, mkdirSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { createRuntime, type Runtime } from "../src/index.js";
import { addNetns, delNetns, inNetns, netnsPath, tcpPing } from "../src/cli/netns.js";

const GO = "/usr/lib/cni";
let id: string;
let host: string;
let ctrs: string[];
let work: string;
let rt: Runtime;

beforeEach(async () => {
  id = randomBytes(3).toString("hex");
  host = `tr-h-${id}`;
  ctrs = [`tr-c1-${id}`, `tr-c2-${id}`];
  work = mkdtempSync(join(tmpdir(), "tr-go-"));
  mkdirSync(join(work, "net.d"));
  for (const ns of [host, ...ctrs]) await addNetns(ns);
  rt = createRuntime({ pluginDirs: [GO], confDir: join(work, "net.d"), cacheDir: join(work, "cache"), execWrapper: ["ip", "netns", "exec", host], execTimeoutMs: 30_000 });
});
afterEach(async () => {
  for (const ns of [...ctrs, host]) await delNetns(ns);
  rmSync(work, { recursive: true, force: true });
});

function writeList(name: string, bridge: string, subnet: string, extra: Array<Record<string, unknown>> = [], range: Record<string, string> = {}) {
  writeFileSync(
    join(work, "net.d", `${name}.conflist`),
    JSON.stringify({
      cniVersion: "1.0.0",
      name,
      plugins: [{ type: "bridge", bridge, isGateway: true, ipam: { type: "host-local", dataDir: join(work, "ipam"), ranges: [[{ subnet, ...range }]] } }, ...extra],
    }),
  );
}
const att = (i: number, network: string, ifName = "eth0") => ({ network, containerId: `ctr${i + 1}-${id}`, ifName, netns: netnsPath(ctrs[i]!) });
const ipOf = (r: Record<string, unknown> | undefined) => String((r?.ips as Array<{ address: string }>)[0]!.address).split("/")[0]!;
const linkJson = async (ns: string, dev: string) => JSON.parse(await inNetns(ns, "ip", ["-json", "link", "show", dev]))[0] as { mtu: number; master?: string };

describe("runtime x Go reference plugins", () => {
  it("bridge + host-local + tuning + portmap + firewall, and loopback: ADD, traffic, GC, DEL, all in throwaway netns", async () => {
    const br = `trbr${id.slice(0, 4)}`;
    writeList("gonet", br, "10.251.0.0/24", [
      { type: "tuning", mtu: 1400 },
      { type: "portmap", capabilities: { portMappings: true }, backend: "iptables" },
      { type: "firewall", backend: "iptables" },
    ]);
    writeFileSync(join(work, "net.d", "golo.conflist"), JSON.stringify({ cniVersion: "1.0.0", name: "golo", plugins: [{ type: "loopback" }] }));
    await rt.reconcile(); // INIT: the Go plugins predate INIT and are treated as not needing it
    expect(rt.networks().map((n) => `${n.name}:${n.phase}`)).toEqual(["golo:initialised", "gonet:initialised"]);

    const results = [];
    for (const i of [0, 1]) {
      await rt.add(att(i, "golo", "lo"));
      results.push(await rt.add({ ...att(i, "gonet"), capabilityArgs: { portMappings: [{ hostPort: 18080 + i, containerPort: 80, protocol: "tcp" }] } }));
    }
    expect(results.map(ipOf)).toEqual(["10.251.0.2", "10.251.0.3"]);
    // the bridge is in the throwaway host netns, with both containers' veths on it
    expect((await linkJson(host, br)).mtu).toBeGreaterThan(0);
    expect(JSON.parse(await inNetns(host, "ip", ["-json", "link", "show", "master", br]))).toHaveLength(2);
    // tuning set the MTU, loopback brought lo up
    expect((await linkJson(ctrs[0]!, "eth0")).mtu).toBe(1400);
    expect(JSON.stringify(await linkJson(ctrs[1]!, "lo"))).toContain("UP");
    // portmap (with the runtime-provided portMappings) and firewall rules in the host netns
    const nat = await inNetns(host, "iptables", ["-t", "nat", "-S"]);
    expect(nat).toContain("--dport 18080");
    expect(nat).toContain("--dport 18081");
    expect(await inNetns(host, "iptables", ["-S", "CNI-FORWARD"])).toContain("10.251.0.2");
    // traffic: container to container, container to gateway
    expect((await tcpPing(ctrs[0]!, "10.251.0.3")).ok).toBe(true);
    expect((await tcpPing(ctrs[1]!, "10.251.0.1")).ok).toBe(true);

    // (CHECK is exercised below without portmap: Go portmap v1.1.1's CHECK fails on hosts with ip6tables)

    // GC with only container 2 valid: container 1's attachment is DELeted through the whole chain
    const gc = await rt.gc("gonet", [{ containerID: `ctr2-${id}`, ifname: "eth0" }]);
    expect(gc).toMatchObject({ deleted: [{ containerID: `ctr1-${id}`, ifname: "eth0" }], errors: [] });
    expect(readdirSync(join(work, "ipam", "gonet")).filter((f) => f.startsWith("10."))).toEqual(["10.251.0.3"]);
    expect(await inNetns(host, "iptables", ["-t", "nat", "-S"])).not.toContain("--dport 18080");
    expect(JSON.parse(await inNetns(host, "ip", ["-json", "link", "show", "master", br]))).toHaveLength(1);

    await rt.del(att(1, "gonet"));
    for (const i of [0, 1]) await rt.del(att(i, "golo", "lo"));
    expect(readdirSync(join(work, "ipam", "gonet")).filter((f) => f.startsWith("10."))).toEqual([]);
    expect(await inNetns(host, "iptables", ["-t", "nat", "-S"])).not.toContain("--dport 18081");
    expect(rt.attachments()).toEqual([]);
    await rt.deinit("gonet");
    await rt.deinit("golo");
    expect(rt.networks().map((n) => n.phase)).toEqual(["uninitialised", "uninitialised"]);
  });

  it("two networks sharing one bridge, INIT and ADD at the same time", async () => {
    const br = `trsh${id.slice(0, 4)}`;
    // one subnet and gateway on the shared bridge, each network allocating from its own range
    writeList("neta", br, "10.252.0.0/24", [], { rangeStart: "10.252.0.10", rangeEnd: "10.252.0.99" });
    writeList("netb", br, "10.252.0.0/24", [], { rangeStart: "10.252.0.100", rangeEnd: "10.252.0.199" });
    await Promise.all([rt.init("neta"), rt.init("netb")]);
    const [a, b] = await Promise.all([rt.add(att(0, "neta")), rt.add(att(1, "netb"))]);
    expect([ipOf(a), ipOf(b)]).toEqual(["10.252.0.10", "10.252.0.100"]);
    expect(JSON.parse(await inNetns(host, "ip", ["-json", "link", "show", "master", br]))).toHaveLength(2);
    expect((await tcpPing(ctrs[0]!, "10.252.0.100")).ok).toBe(true); // across networks, same bridge
    await Promise.all([rt.del(att(0, "neta")), rt.del(att(1, "netb"))]);
    expect(JSON.parse(await inNetns(host, "ip", ["-json", "link", "show", "master", br]))).toHaveLength(0);
  });

  it("a config removed while attached drains, and the last DEL (with the cached config) cleans up", async () => {
    const br = `trrm${id.slice(0, 4)}`;
    writeList("gone", br, "10.253.0.0/24");
    await rt.add(att(0, "gone"));
    await rt.check(att(0, "gone"));
    // break the container's address: the Go bridge's CHECK must now fail, with its own error
    await inNetns(ctrs[0]!, "ip", ["addr", "flush", "dev", "eth0"]);
    await expect(rt.check(att(0, "gone"))).rejects.toMatchObject({ name: "CniError", plugin: "bridge", command: "CHECK" });
    rmSync(join(work, "net.d", "gone.conflist"));
    expect((await rt.reconcile()).steps).toEqual([{ network: "gone", action: "none", phase: "draining" }]);
    await rt.del({ network: "gone", containerId: `ctr1-${id}`, ifName: "eth0" }); // no config file: cached one is used
    expect(existsSync(join(work, "ipam", "gone", "10.253.0.2"))).toBe(false);
    expect(rt.networks()).toEqual([]);
  });
});
