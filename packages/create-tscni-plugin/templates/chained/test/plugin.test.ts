// The plugin built as it ships (the standalone executable and the node bundle) and run the
// way a runtime runs it, after an interface plugin, inside throwaway network namespaces.
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { buildTargets, createSandbox, leftovers, runExecutable, type BuiltTargets, type Netns, type Sandbox } from "@tscni/testing";

const PREFIX = "tpl-";
let sb: Sandbox;
let bins: BuiltTargets;

beforeAll(async () => {
  sb = await createSandbox({ prefix: PREFIX, containers: 0 });
  bins = await buildTargets(join(import.meta.dirname, "../src/main.ts"), join(sb.tmpDir, "build"), "{{type}}");
});
afterAll(async () => {
  await sb?.cleanup();
  expect(leftovers(PREFIX)).toEqual({ netns: [], mounts: [], tmpDirs: [] });
});

/** What a main plugin (bridge, ptp...) leaves: a container with eth0, its peer in the host, and a result saying so. */
async function containerWithEth0(): Promise<{ ns: Netns; prevResult: object }> {
  const ns = await sb.addNetns("c");
  const peer = `tp${Math.random().toString(16).slice(2, 10)}`;
  await sb.run(sb.host, ["ip", "link", "add", peer, "type", "veth", "peer", "name", "eth0", "netns", ns.name]);
  const prevResult = { cniVersion: "1.1.0", interfaces: [{ name: "eth0", mac: "02:00:00:00:00:01", sandbox: ns.path }], ips: [{ address: "10.5.0.2/24", interface: 0 }] };
  return { ns, prevResult };
}

const env = (command: string, ns: Netns) => ({ CNI_COMMAND: command, CNI_CONTAINERID: "c1", CNI_NETNS: ns.path, CNI_IFNAME: "eth0", CNI_PATH: "/opt/cni/bin" });
const conf = (extra: object) => ({ cniVersion: "1.1.0", name: "test-net", type: "{{type}}", mtu: 1400, sysctl: { "net.ipv4.conf.IFNAME.rp_filter": "2" }, ...extra });
const read = async (ns: Netns, argv: string[]) => (await sb.run(ns, argv)).stdout.trim();

describe.each(["standalone", "node"] as const)("{{type}} as the %s executable", (target) => {
  const run = (command: string, ns: Netns, stdin: object) => runExecutable(bins[target], { env: env(command, ns), stdin, netns: sb.host.name });

  it("ADD tunes eth0 and passes the result on; CHECK passes, and fails once the MTU changed; DEL succeeds", async () => {
    const { ns, prevResult } = await containerWithEth0();
    const add = await run("ADD", ns, conf({ prevResult }));
    expect(add.exitCode, add.stdout).toBe(0);
    expect(add.json).toMatchObject({ interfaces: [{ name: "eth0", mtu: 1400 }], ips: [{ address: "10.5.0.2/24" }] });
    expect(JSON.parse(await read(ns, ["ip", "-json", "link", "show", "eth0"]))[0].mtu).toBe(1400);
    expect(await read(ns, ["sysctl", "-n", "net.ipv4.conf.eth0.rp_filter"])).toBe("2");

    expect((await run("CHECK", ns, conf({ prevResult: add.json }))).exitCode).toBe(0);
    await sb.run(ns, ["ip", "link", "set", "eth0", "mtu", "1500"]);
    const check = await run("CHECK", ns, conf({ prevResult: add.json }));
    expect(check.json).toMatchObject({ code: 999, msg: "eth0 has MTU 1500, want 1400" });

    expect((await run("DEL", ns, conf({ prevResult: add.json }))).exitCode).toBe(0);
    expect((await run("STATUS", ns, conf({}))).exitCode).toBe(0);
  });

  it("bad input is a spec error and changes nothing: no prevResult, a bad MTU, an unknown interface", async () => {
    const { ns, prevResult } = await containerWithEth0();
    const before = await read(ns, ["ip", "-json", "link", "show", "eth0"]);
    expect((await run("ADD", ns, conf({}))).json).toMatchObject({ code: 7, msg: expect.stringContaining("no prevResult") });
    expect((await run("ADD", ns, conf({ prevResult, mtu: 12 }))).json).toMatchObject({ code: 7, msg: expect.stringContaining("mtu") });
    const other = { ...prevResult, interfaces: [{ name: "eth9", sandbox: ns.path }] };
    expect((await run("ADD", ns, conf({ prevResult: other }))).json).toMatchObject({ code: 7, msg: expect.stringContaining("no interface eth0") });
    expect(await read(ns, ["ip", "-json", "link", "show", "eth0"])).toBe(before);
  });
});
