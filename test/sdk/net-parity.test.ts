// The same host-networking failure gives the same error in both build targets: the
// standalone executable (in-process netlink) and the node bundle (iproute2), also when bun
// runs the bundle (a node bundle carries no FFI code). Code and msg are equal; details say
// how it ran.
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { buildTargets, createSandbox, runExecutable, type BuiltTargets, type Sandbox } from "@tscni/testing";
import { bunBinary } from "@tscni/testing/repo";

let sb: Sandbox;
let bins: BuiltTargets;

beforeAll(async () => {
  sb = await createSandbox({ prefix: "tnp-" });
  bins = await buildTargets(join(import.meta.dirname, "net-plugin/main.ts"), join(sb.tmpDir, "build"), "net-ops");
}, 120_000);
afterAll(() => sb?.cleanup());

const TARGETS = [
  { name: "standalone", backend: "netlink", run: (o: object) => runExecutable(bins.standalone, o) },
  { name: "node bundle", backend: "iproute2", run: (o: object) => runExecutable(bins.node, o) },
  { name: "node bundle under bun", backend: "iproute2", run: (o: object) => runExecutable(bins.node, { ...o, interpreter: bunBinary() }) },
];

/** ADD with `config` by every target, each in a container netns of its own. */
async function addEverywhere(config: object) {
  const stdin = { cniVersion: "1.1.0", name: "np", type: "net-ops", ...config };
  return Promise.all(TARGETS.map(async (t) => {
    const ns = await sb.addNetns("c");
    const env = { CNI_COMMAND: "ADD", CNI_CONTAINERID: "np1", CNI_NETNS: ns.path, CNI_IFNAME: "eth0" };
    return { ...t, r: await t.run({ env, stdin, netns: sb.host.name }) };
  }));
}

describe("one failure, one error, in both build targets", () => {
  it.each([
    ["a missing sysctl key", { sysctls: { "net/ipv4/conf/nodev/arp_notify": 1 } }, 5, "cannot set sysctl net/ipv4/conf/nodev/arp_notify to 1: No such file or directory"],
    ["a sysctl value the kernel refuses", { sysctls: { "net/ipv4/conf/lo/arp_notify": "x" } }, 5, "cannot set sysctl net/ipv4/conf/lo/arp_notify to x: Invalid argument"],
    ["a missing link", { ops: [{ op: "setLink", name: "nodev0", up: true }] }, 999, "ip link set dev nodev0 up: No such device"],
    ["an address already there (the kernel's own words)", { ops: [{ op: "addAddr", dev: "lo", cidr: "127.0.0.1/8" }] }, 999, "ip addr add 127.0.0.1/8 dev lo: ipv4: Address already assigned."],
    ["a gateway off every link", { ops: [{ op: "setLink", name: "lo", up: true }, { op: "addRoute", dst: "10.97.0.0/16", via: "10.200.0.1" }] }, 999, "ip route add 10.97.0.0/16 via 10.200.0.1: Nexthop has invalid gateway."],
    ["a bridge port flag on a link that is no port", { ops: [{ op: "setBridgePort", name: "lo", hairpin: true }] }, 999, "ip link set dev lo type bridge_slave hairpin on: Operation not supported"],
    ["an operation that is not one", { ops: [{ op: "addAddr", dev: "lo", cidr: "127.0.0.1" }] }, 7, 'invalid CIDR "127.0.0.1"'],
  ])("%s", async (_label, config, code, msg) => {
    for (const { name, backend, r } of await addEverywhere(config)) {
      expect({ name, exitCode: r.exitCode, code: (r.json as { code: number }).code, msg: (r.json as { msg: string }).msg }).toEqual({ name, exitCode: 1, code, msg });
      const details = (r.json as { details: string }).details;
      if (code === 999) expect({ name, details }).toEqual({ name, details: expect.stringMatching(backend === "netlink" ? /^netlink request: / : /^command: ip /) });
    }
  });

  it("the same results when nothing fails", async () => {
    const outs = await addEverywhere({ ops: [{ op: "setLink", name: "lo", up: true }, { op: "addAddr", dev: "lo", cidr: "127.0.0.9/8" }, { op: "listAddrs", dev: "lo", family: 4 }, { op: "deleteLink", name: "nodev0" }] });
    const answers = outs.map(({ name, r }) => ({ name, exitCode: r.exitCode, results: JSON.parse((r.json as { dns?: { options: string[] } }).dns?.options[0] ?? "null") }));
    for (const a of answers) {
      expect(a).toEqual({
        name: a.name, exitCode: 0,
        results: [null, null, [
          { ifname: "lo", family: 4, cidr: "127.0.0.1/8", scope: "host", tentative: false, dadfailed: false, nodad: false },
          { ifname: "lo", family: 4, cidr: "127.0.0.9/8", scope: "host", tentative: false, dadfailed: false, nodad: false },
        ], false],
      });
    }
  });
});
