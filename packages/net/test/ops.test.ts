// Every host operation on both backends against real namespaces: each scenario of
// fixtures/ops-scenarios.ts runs as a child inside a throwaway "host" netns, under Node
// (iproute2: `ip -json`, `ip -batch`), under bun (in-process netlink and setns, as the
// standalone build) and under bun with TSCNI_NET_BACKEND=iproute2. One set of expectations
// for all three: same results, same errors (code, msg, class); only `details` says how it ran.
// The kernel's state is read back independently with `ip -json`.
import { execFileSync } from "node:child_process";
import { fileURLToPath } from "node:url";
import { afterEach, describe, expect, it } from "vitest";
import { bunTs, nodeTs } from "@tscni/testing/repo";
import { cleanupAll, kernelHasVlanFiltering, leftoverNetns, newNetns, type TestNs } from "./sandbox.js";

const VLAN = kernelHasVlanFiltering();
const MAIN = fileURLToPath(new URL("./fixtures/ops-scenarios-main.ts", import.meta.url));

afterEach(() => {
  cleanupAll();
  expect(leftoverNetns()).toEqual([]);
});

interface Runner {
  name: string;
  backend: "iproute2" | "netlink";
  /** Can this runtime switch a thread's netns (withNetns)? */
  setns: boolean;
  argv: string[];
  env: Record<string, string>;
}

const RUNNERS: Runner[] = [
  { name: "iproute2 backend (node)", backend: "iproute2", setns: false, argv: nodeTs(MAIN), env: {} },
  { name: "netlink backend (bun, as the standalone build)", backend: "netlink", setns: true, argv: bunTs(MAIN), env: {} },
  { name: "iproute2 backend forced under bun (TSCNI_NET_BACKEND=iproute2)", backend: "iproute2", setns: true, argv: bunTs(MAIN), env: { TSCNI_NET_BACKEND: "iproute2" } },
];

const ipj = (ns: TestNs, ...args: string[]) => JSON.parse(execFileSync("ip", ["-n", ns.name, "-json", "-details", ...args], { encoding: "utf8" }) || "[]");

/** A NetError as every backend gives it; `details` by how it ran. */
function netError(r: Runner, msg: string | RegExp, failure: string, index = 0) {
  return {
    error: {
      name: "NetError", code: failure === "busy" ? 11 : 999, msg: typeof msg === "string" ? msg : expect.stringMatching(msg), failure, index,
      details: r.backend === "netlink" ? expect.stringMatching(/^netlink request: .+\nnetns: .+\nerrno: E[A-Z]+ \(\d+\)/) : expect.stringMatching(/^command: (ip|bridge|nsenter) .+\nexit status \d+\nstderr: .+/),
    },
  };
}
const cniError = (code: number, msg: string | RegExp) => ({ error: { code, msg: typeof msg === "string" ? msg : expect.stringMatching(msg) } });

describe.each(RUNNERS)("$name", (r) => {
  let host: TestNs;
  let cont: TestNs;
  let other: TestNs;
  function scenario(name: string): any {
    host = newNetns();
    cont = newNetns();
    other = newNetns();
    const args = JSON.stringify({ cont: cont.path, other: other.path, vlan: VLAN });
    const out = execFileSync("ip", ["netns", "exec", host.name, ...r.argv, name, args], { encoding: "utf8", env: { ...process.env, ...r.env }, timeout: 60_000 });
    const res = JSON.parse(out);
    expect(res.backend).toBe(r.backend);
    expect(res.error).toBeUndefined();
    return res.ok;
  }

  it("bridges: create with MTU, MAC and promisc, adopt without changing MTU, refuse a taken or non-bridge name", () => {
    const o = scenario("bridge");
    expect(o.made).toEqual({ created: true, mac: "02:11:22:33:44:55", link: { name: "tnbr0", kind: "bridge", mtu: 1400, up: true, promisc: true, vlanFiltering: false } });
    expect(o.again).toEqual({ created: false, link: o.made.link });
    expect(o.adopted).toEqual({ created: false, link: { name: "tnbr1", kind: "bridge", mtu: 1500, up: true, promisc: true, vlanFiltering: false } });
    expect(o.taken).toMatchObject(netError(r, "ip link add name tnbr0 type bridge: File exists", "exists"));
    expect(o.notBridge).toMatchObject(cniError(7, '"tnnotbr" already exists but is not a bridge'));
    for (const e of o.badNames) expect(e).toMatchObject(cniError(7, /^invalid interface name: /));
    if (!VLAN) {
      expect(o.vlanFiltering).toMatchObject(netError(r, "ip link add name tnbr2 type bridge: Operation not supported", "unsupported"));
      expect(o.vlanFilteringLater).toMatchObject(netError(r, "ip link set dev tnbr1 type bridge vlan_filtering 1: Operation not supported", "unsupported"));
    }
    expect(o.bridges).toEqual(VLAN ? ["tnbr0", "tnbr1", "tnbr2"] : ["tnbr0", "tnbr1"]);
    const [br] = ipj(host, "link", "show", "tnbr0");
    expect([br.mtu, br.address, br.flags.includes("UP"), br.flags.includes("PROMISC")]).toEqual([1400, "02:11:22:33:44:55", true, true]);
    expect(ipj(host, "link", "show", "tnbr1")[0].mtu).toBe(1500);
  });

  it("veths: a pair across netns with names, MTU, MACs, master, alias, port flags, up; random names; clear collisions", () => {
    const o = scenario("veth");
    expect(o.near).toEqual({ name: "tnh0", kind: "veth", mtu: 1450, up: true, promisc: false, master: "tnbr0", alias: "tscni/net/c1/eth0", port: { hairpin: true, isolated: true, learning: true }, mac: "02:00:00:00:00:01" });
    expect(o.far).toEqual({ name: "eth0", kind: "veth", mtu: 1450, up: false, promisc: false, mac: "02:00:00:00:00:02" });
    expect(o.pair).toBe(true);
    expect(o.gone).toBeUndefined();
    expect(o.random).toEqual([true, true, true, true]);
    expect(o.ports).toEqual(["tnh0"]);
    expect(o.contVeths).toEqual(["eth0", "eth1", "eth2", "eth3"]);
    expect(o.peerTaken).toMatchObject(netError(r, /^ip link add name veth[0-9a-f]{8} type veth peer name eth0: File exists$/, "exists"));
    expect(o.nearTaken).toMatchObject(netError(r, "ip link add name tnh0 type veth peer name eth9: File exists", "exists"));
    expect(o.halfMade).toBe(0);
    expect(o.peerGone).toMatchObject({ error: { code: 8, reason: "missing" } });
    expect(o.badMac).toMatchObject(cniError(7, 'invalid peer MAC address "zz"'));
    expect(o.badAlias).toMatchObject(cniError(7, 'invalid interface alias "a b"'));
    const [h] = ipj(host, "link", "show", "tnh0");
    expect([h.master, h.mtu, h.ifalias, h.linkinfo.info_slave_data.hairpin, h.linkinfo.info_slave_data.isolated]).toEqual(["tnbr0", 1450, "tscni/net/c1/eth0", true, true]);
    expect(ipj(cont, "link", "show", "eth0")[0].address).toBe("02:00:00:00:00:02");
  });

  it("links: set MTU, MAC, master, promisc, alias, up/down; release master; rename; move netns; delete twice", () => {
    const o = scenario("links");
    expect(o.set).toEqual({ name: "tnh1", kind: "veth", mtu: 1280, up: true, promisc: true, master: "tnbr0", alias: "hello", port: { hairpin: false, isolated: false, learning: true }, mac: "02:aa:bb:cc:dd:ee" });
    expect(o.unset).toEqual({ name: "tnh1", kind: "veth", mtu: 1280, up: false, promisc: true, alias: "hello" });
    expect(o.renamed).toEqual([null, o.unset && { ...o.unset, name: "tnh1new" }]);
    expect(o.moved).toEqual([null, "tnm1"]);
    expect(o.deleted).toEqual([true, false, null]);
    expect(o.missing).toMatchObject(netError(r, "ip link set dev tn-nope up: No such device", "not-found"));
    expect(o.noMaster).toMatchObject(netError(r, "ip link set dev tnm0 master tn-nobr: No such device", "not-found"));
    expect(o.mtuTooBig).toMatchObject(cniError(7, "invalid mtu 65536 (want 68..65535)"));
    expect(o.renameTaken).toMatchObject(netError(r, "ip link set dev tnm0 name tnbr0: File exists", "exists"));
    expect(o.getMissing).toBeUndefined();
    expect(o.lo).toEqual({ name: "lo", mtu: 65536, up: true, promisc: false });
    expect(ipj(other, "link", "show", "tnm1")[0].ifname).toBe("tnm1");
    expect(ipj(cont, "link", "show")).toHaveLength(1); // eth0 went with its peer
  });

  it("bridge ports: hairpin, isolated and learning flags", () => {
    const o = scenario("ports");
    expect(o.initial).toEqual({ hairpin: false, isolated: false, learning: true });
    expect(o.set).toEqual({ hairpin: true, isolated: true, learning: false });
    expect(o.reset).toEqual({ hairpin: false, isolated: false, learning: true });
    expect(o.notAPort).toMatchObject(netError(r, "ip link set dev lo type bridge_slave hairpin on: Operation not supported", "unsupported"));
    expect(o.missing).toMatchObject(netError(r, "ip link set dev tn-nope type bridge_slave hairpin on: No such device", "not-found"));
    const d = ipj(host, "link", "show", "tnp0")[0].linkinfo.info_slave_data;
    expect([d.hairpin, d.isolated, d.learning]).toEqual([false, false, true]);
  });

  it.skipIf(VLAN)("port VLANs without kernel VLAN filtering: unsupported, the same way on both backends", () => {
    const o = scenario("vlans");
    expect(o.initial).toEqual([]);
    expect(o.set).toMatchObject(netError(r, "bridge vlan add dev tnp1: Operation not supported", "unsupported"));
    expect(o.after).toEqual([]);
    expect(o.badVid).toMatchObject(cniError(7, "invalid VLAN id 5000 (want 1..4094)"));
    expect(o.badRange).toMatchObject(cniError(7, "invalid VLAN range 40-30"));
    expect(o.removeDefaultOnly).toEqual({});
  });

  it.skipIf(!VLAN)("port VLANs: pvid untagged, trunk ranges, default VLAN removed", () => {
    const o = scenario("vlans");
    expect(o.initial).toEqual([{ vid: 1, pvid: true, untagged: true }]);
    expect(o.set).toEqual({});
    expect(o.after).toEqual([{ vid: 100, pvid: true, untagged: true }, { vid: 200, pvid: false, untagged: false }, { vid: 300, vidEnd: 310, pvid: false, untagged: false }]);
    expect(o.badVid).toMatchObject(cniError(7, "invalid VLAN id 5000 (want 1..4094)"));
  });

  it("addresses: v4, v6 nodad, scopes, lists with flags, duplicates, deletes, missing devices", () => {
    const o = scenario("addrs");
    const a = (family: 4 | 6, cidr: string, scope: string, nodad = false) => ({ ifname: "eth0", family, cidr, scope, tentative: false, dadfailed: false, nodad });
    expect(o.all).toEqual([a(4, "10.98.0.2/24", "link"), a(4, "10.99.0.2/24", "global"), a(6, "fd99::2/64", "global", true)]);
    expect(o.v4).toEqual(["10.98.0.2/24", "10.99.0.2/24"]);
    expect(o.lo).toEqual([["127.0.0.1/8", "host"], ["127.0.0.5/8", "host"], ["::1/128", "host"]]);
    expect(o.everywhere).toEqual(["lo 127.0.0.1/8", "lo 127.0.0.5/8", "eth0 10.98.0.2/24", "eth0 10.99.0.2/24"]);
    expect(o.dup).toMatchObject(netError(r, "ip addr add 10.99.0.2/24 dev eth0: ipv4: Address already assigned.", "exists"));
    expect(o.del).toEqual([true, false, false]);
    expect(o.afterDel).toEqual(["10.98.0.2/24"]);
    expect(o.missingDev).toEqual([]);
    expect(o.addMissingDev).toMatchObject(netError(r, "ip addr add 10.1.1.1/24 dev tn-nodev: No such device", "not-found"));
    expect(o.bad).toMatchObject(cniError(7, 'invalid CIDR "10.99.0.2/24; rm"'));
    const info = ipj(cont, "addr", "show", "dev", "eth0")[0].addr_info.map((x: any) => `${x.local}/${x.prefixlen}`);
    expect(info).toContain("fd99::2/64");
    expect(info).not.toContain("10.99.0.2/24");
  });

  it("routes: default via per family, scope/src/mtu/metric, tables, onlink; list, replace, delete; errors", () => {
    const o = scenario("routes");
    const route = (x: object) => ({ family: 4, table: 254, scope: "global", type: "unicast", protocol: 3, onlink: false, ...x });
    expect(o.main).toEqual([
      route({ dst: "0.0.0.0/0", via: "10.99.0.1", dev: "eth0" }),
      route({ dst: "10.99.0.0/24", dev: "eth0", scope: "link", protocol: 2, src: "10.99.0.2" }),
      route({ dst: "172.17.0.0/16", via: "10.200.0.1", dev: "eth0", onlink: true }),
      route({ dst: "172.18.0.5/32", dev: "eth0", scope: "link" }),
      route({ dst: "192.168.50.0/24", dev: "eth0", scope: "link", src: "10.99.0.2", metric: 50, mtu: 1400 }),
      route({ family: 6, dst: "fd99::/64", dev: "eth0", protocol: 2, metric: 256 }),
      route({ family: 6, dst: "::/0", via: "fd99::1", dev: "eth0", metric: 1024 }),
    ]);
    expect(o.table100).toEqual([route({ dst: "172.16.0.0/16", via: "10.99.0.1", dev: "eth0", table: 100 })]);
    expect(o.v6).toEqual(["fd99::/64", "fe80::/64", "::/0"]);
    expect(o.all).toEqual([["127.0.0.0/8", 255, "local", "host"], ["127.0.0.1/32", 255, "local", "host"], ["127.255.255.255/32", 255, "broadcast", "link"]]);
    expect(o.dup).toMatchObject(netError(r, "ip route add 0.0.0.0/0 via 10.99.0.1: File exists", "exists"));
    expect(o.replaced).toEqual(["10.99.0.254"]);
    expect(o.del).toEqual([true, false, true]);
    expect(o.table100After).toEqual([]);
    expect(o.unreachable).toMatchObject(netError(r, "ip route add 10.97.0.0/16 via 10.200.0.1: Nexthop has invalid gateway.", "invalid"));
    expect(o.noDev).toMatchObject(netError(r, "ip route add 10.97.0.0/16 dev tn-nodev: No such device", "not-found"));
    expect(o.mixed).toMatchObject(cniError(7, /gateway and source must be of the destination's family/));
    const onlink = ipj(cont, "route", "show", "172.17.0.0/16")[0];
    expect(onlink.flags).toContain("onlink");
  });

  it("plans: one round trip, results in order, a missing delete is false; a failure names its op, earlier ops stay, later ones never run", () => {
    const o = scenario("plan");
    expect(o.made[0]).toBeNull();
    expect(o.made[1]).toMatchObject({ kind: "veth", mtu: 1400, up: true, master: "tnbr0", alias: "tscni/x" });
    expect(o.made[1].name).toMatch(/^veth[0-9a-f]{8}$/);
    expect(o.made.slice(2)).toEqual(["tnbr0", false, [true]]);
    expect(o.contResults).toEqual([null, null, null, [{ ifname: "eth0", family: 4, cidr: "10.5.0.2/24", scope: "global", tentative: false, dadfailed: false, nodad: false }]]);
    expect(o.failing).toMatchObject(netError(r, "ip addr add 10.5.0.2/24 dev eth0: ipv4: Address already assigned.", "exists", 1));
    expect(o.afterFail).toEqual(["10.5.0.2/24", "10.6.0.2/24"]);
    // the create failed after the veth existed (its master is missing): it is undone
    expect(o.halfVeth).toMatchObject(netError(r, "ip link add name tnv9 type veth peer name eth9: No such device", "not-found"));
    expect(o.leftVeth).toEqual([null, null]);
    expect(o.rejected).toMatchObject({ error: { msg: "no plan after all" } });
    // one exec per plan (the missing delete costs the iproute2 backend a second for the rest); none in-process
    expect(o.execs).toEqual(r.backend === "netlink" ? { host: 0, cont: 0, empty: 0 } : { host: 2, cont: 1, empty: 0 });
    expect(ipj(cont, "route", "show", "default")[0].gateway).toBe("10.5.0.1");
  });

  it("plans that reuse names: a rename, a delete and a move in the plan change what later ops' names mean", () => {
    const o = scenario("names");
    expect(o.oldNameAfterRename).toEqual([]);
    expect(o.renamedBeforeMove).toEqual(["10.7.0.1/24", "10.7.2.1/24"]);
    expect(o.afterMove).toBeNull();
    expect(o.tnn0).toEqual({ up: true, addrs: ["10.7.3.1/24"] });
    expect(o.kernel).toEqual({ tnn0: ["10.7.3.1/24"], tnn1: [], newTnn1Mtu: 1300, moved: { name: "tnn1", kind: "veth", mtu: 1500, up: false, promisc: false } });
  });

  it("sysctls: many keys in another netns, dotted ifnames, normalised reads, the same code 5 errors", () => {
    const o = scenario("sysctls");
    expect(o.setExecs).toBe(r.backend === "netlink" ? 0 : 1);
    expect(o.ownExecs).toBe(0);
    expect(o.read).toEqual(["1", "1", "0", "1"]);
    expect(o.hostUntouched).toBe("0");
    expect(o.range).toMatch(/^\d+ \d+$/);
    const missing = { error: { code: 5, msg: "cannot set sysctl net/ipv4/conf/nodev/arp_notify to 1: No such file or directory" } };
    expect(o.missing).toMatchObject(missing);
    expect(o.missingLater).toMatchObject(missing);
    expect(o.ignored).toEqual({});
    expect(o.allNotify).toBe("1");
    expect(o.badValue).toMatchObject(cniError(5, "cannot set sysctl net/ipv4/conf/lo/arp_notify to abc: Invalid argument"));
    expect(o.readMissing).toMatchObject(cniError(5, "cannot read sysctl net/ipv4/conf/nodev/arp_notify: No such file or directory"));
    expect(o.badKey).toMatchObject(cniError(7, 'invalid sysctl key "../../etc/passwd"'));
    expect(o.newline).toMatchObject(cniError(7, 'invalid value for sysctl "net.ipv4.ip_forward"'));
    expect(o.rejected).toMatchObject({ error: { msg: "link not created" } });
    expect(o.gone).toMatchObject({ error: { code: 8, reason: "missing" } });
    expect(execFileSync("ip", ["netns", "exec", cont.name, "sysctl", "-n", "net.ipv4.conf.all.arp_notify"], { encoding: "utf8" }).trim()).toBe("1");
  });

  it("withNetns: runs synchronous code in the netns and comes back, also on throw; clear errors", () => {
    const o = scenario("withNetns");
    if (!r.setns) {
      const nodeError = cniError(999, "withNetns needs the standalone build: this runtime cannot move a thread into another netns");
      for (const k of ["inside", "thrown", "notNetns", "missing", "relative", "asyncFn"]) expect(o[k]).toMatchObject(nodeError);
      expect(o.back).toBe(true);
      return;
    }
    expect(o.inside).toBe(true);
    expect(o.thrown).toMatchObject({ error: { msg: "boom" } });
    expect(o.back).toBe(true);
    expect(o.notNetns).toMatchObject({ error: { code: 8, reason: "not-netns" } });
    expect(o.missing).toMatchObject({ error: { code: 8, reason: "missing" } });
    expect(o.relative).toMatchObject({ error: { code: 8, reason: "not-netns" } });
    expect(o.asyncFn).toMatchObject(cniError(999, "withNetns: the function must be synchronous"));
  });
});
