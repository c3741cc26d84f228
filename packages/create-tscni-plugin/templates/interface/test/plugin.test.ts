// The plugin built as it ships (the standalone executable and the node bundle) and run the
// way a runtime runs it, with tscni's host-local as its IPAM plugin in CNI_PATH, inside
// throwaway network namespaces.
import { existsSync, mkdirSync, readdirSync, symlinkSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { buildTargets, createSandbox, leftovers, runExecutable, type BuiltTargets, type Netns, type Sandbox } from "@tscni/testing";

const PREFIX = "tpi-";
let sb: Sandbox;
let bins: BuiltTargets;
let cniPath: string;

beforeAll(async () => {
  sb = await createSandbox({ prefix: PREFIX, containers: 0 });
  bins = await buildTargets(join(import.meta.dirname, "../src/main.ts"), join(sb.tmpDir, "build"), "{{type}}");
  // The IPAM plugin, built from the published package like any plugin, under its own name.
  const ipam = await buildTargets(fileURLToPath(import.meta.resolve("@tscni/host-local/main")), join(sb.tmpDir, "build"), "host-local");
  cniPath = join(sb.tmpDir, "cni-bin");
  mkdirSync(cniPath);
  symlinkSync(ipam.standalone, join(cniPath, "host-local"));
});
afterAll(async () => {
  await sb?.cleanup();
  expect(leftovers(PREFIX)).toEqual({ netns: [], mounts: [], tmpDirs: [] });
});

let seq = 0;
const conf = (ranges = [[{ subnet: "10.7.0.0/24" }]]) => ({
  cniVersion: "1.1.0",
  name: "test-net",
  type: "{{type}}",
  mtu: 1400,
  ipam: { type: "host-local", dataDir: join(sb.tmpDir, "ipam"), ranges, routes: [{ dst: "0.0.0.0/0" }] },
});
const json = async (ns: Netns, argv: string[]) => JSON.parse((await sb.run(ns, argv)).stdout || "[]");
const vethsOnHost = async () => (await json(sb.host, ["ip", "-json", "link", "show", "type", "veth"])).map((l: { ifname: string }) => l.ifname);
const reservations = () => (existsSync(join(sb.tmpDir, "ipam", "test-net")) ? readdirSync(join(sb.tmpDir, "ipam", "test-net")).filter((f) => /^\d/.test(f)) : []);

describe.each(["standalone", "node"] as const)("{{type}} as the %s executable", (target) => {
  const run = (command: string, ns: Netns, id: string, stdin: object) =>
    runExecutable(bins[target], { env: { CNI_COMMAND: command, CNI_CONTAINERID: id, CNI_NETNS: ns.path, CNI_IFNAME: "eth0", CNI_PATH: cniPath }, stdin, netns: sb.host.name });

  it("ADD makes the veth, addresses and routes; CHECK sees them; DEL removes the veth and releases the address", async () => {
    const ns = await sb.addNetns("c");
    const id = `c${seq++}`;
    const add = await run("ADD", ns, id, conf());
    expect(add.exitCode, add.stdout).toBe(0);
    const result = add.json as { interfaces: Array<{ name: string }>; ips: Array<{ address: string; gateway: string; interface: number }> };
    expect(result.ips).toEqual([{ address: expect.stringMatching(/^10\.7\.0\.\d+\/24$/), gateway: "10.7.0.1", interface: 1 }]);
    const address = result.ips[0]!.address;
    const host = result.interfaces[0]!.name;

    const [eth0] = await json(ns, ["ip", "-json", "addr", "show", "eth0"]);
    expect(eth0).toMatchObject({ mtu: 1400, operstate: expect.stringMatching(/UP|LOWERLAYERDOWN|UNKNOWN/) });
    expect(eth0.addr_info.map((a: { local: string; prefixlen: number }) => `${a.local}/${a.prefixlen}`)).toContain(address);
    expect(await json(ns, ["ip", "-json", "route", "show", "default"])).toMatchObject([{ gateway: "10.7.0.1", dev: "eth0" }]);
    expect(await json(sb.host, ["ip", "-json", "route", "show", address.replace(/\/24$/, "/32")])).toMatchObject([{ dev: host }]);
    expect(reservations()).toContain(address.split("/")[0]);

    expect((await run("CHECK", ns, id, { ...conf(), prevResult: add.json })).exitCode).toBe(0);
    await sb.run(ns, ["ip", "route", "del", "default"]);
    expect((await run("CHECK", ns, id, { ...conf(), prevResult: add.json })).json).toMatchObject({ code: 999, msg: "Failed to match route 0.0.0.0/0 via (none) in container" });

    expect((await run("DEL", ns, id, conf())).exitCode).toBe(0);
    expect(await vethsOnHost()).not.toContain(host);
    expect(reservations()).not.toContain(address.split("/")[0]);
    expect((await run("DEL", ns, id, conf())).exitCode).toBe(0);
  });

  it("an ADD whose IPAM fails leaves no veth behind; STATUS is IPAM's answer", async () => {
    const ns = await sb.addNetns("c");
    const net = target === "standalone" ? 8 : 9;
    const full = [[{ subnet: `10.${net}.0.0/24`, rangeStart: `10.${net}.0.10`, rangeEnd: `10.${net}.0.10` }]];
    expect((await run("STATUS", ns, "", conf(full))).exitCode).toBe(0);
    const id = `f${seq++}`;
    const first = await run("ADD", ns, id, conf(full));
    expect(first.exitCode, first.stdout).toBe(0);
    const before = await vethsOnHost();
    const other = await sb.addNetns("c");
    const second = await run("ADD", other, `f${seq++}`, conf(full));
    expect(second.exitCode).toBe(1);
    expect(second.json).toMatchObject({ code: 11, msg: expect.stringContaining(`10.${net}.0.10`) });
    expect(await vethsOnHost()).toEqual(before);
    expect(await json(other, ["ip", "-json", "link", "show", "eth0"]).catch(() => [])).toEqual([]);
    // A full range: the network cannot take another container now (code 50).
    expect((await run("STATUS", ns, "", conf(full))).json).toMatchObject({ code: 50 });
    expect((await run("DEL", ns, id, conf(full))).exitCode).toBe(0);
  });
});
