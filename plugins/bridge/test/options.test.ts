import { join } from "node:path";
import { spawnSync } from "node:child_process";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { canConnect, createSandbox, type Sandbox } from "@tscni/testing";
import { addrs, call, conf, hasLink, json, links, nftRuleset, ports } from "./helpers.js";

let sb: Sandbox;
beforeEach(async () => (sb = await createSandbox({ prefix: "tbr-", containers: 2 })));
afterEach(async () => sb?.cleanup());

/** Some kernels are built without bridge VLAN filtering (the Go plugin fails there too). */
function vlanFilteringSupported(): boolean {
  const ns = `tbr-vf${process.pid}`;
  spawnSync("ip", ["netns", "add", ns]);
  try {
    return spawnSync("ip", ["-n", ns, "link", "add", "x", "type", "bridge", "vlan_filtering", "1"]).status === 0;
  } finally {
    spawnSync("ip", ["netns", "del", ns]);
  }
}
const VLAN = vlanFilteringSupported();

const sysctl = async (ns: any, key: string) => (await sb.run(ns, ["sysctl", "-n", key])).stdout.trim();

describe("bridge options", () => {
  it.skipIf(!VLAN)("vlan and hairpin are visible in `bridge -json`", async () => {
    const r = await call(sb, "ADD", conf(sb, { vlan: 100, hairpinMode: true, isGateway: false }));
    expect(r.exitCode, r.stdout).toBe(0);
    const host = (r.json as any).interfaces[1].name;
    const vl = await json(sb, sb.host, ["bridge", "-json", "vlan", "show", "dev", host]);
    expect(vl[0].vlans).toEqual([{ vlan: 100, flags: ["PVID", "Egress Untagged"] }]);
    const bl = await json(sb, sb.host, ["bridge", "-json", "-d", "link", "show", "dev", host]);
    expect(bl[0].hairpin).toBe(true);
    expect((await links(sb, sb.host, ["dev", "tbr0"]))[0].linkinfo.info_data.vlan_filtering).toBe(1);
  });

  it.skipIf(!VLAN)("vlanTrunk ranges, default VLAN kept with preserveDefaultVlan", async () => {
    const r = await call(sb, "ADD", conf(sb, { vlanTrunk: [{ minID: 10, maxID: 12 }, { id: 20 }], preserveDefaultVlan: true, isGateway: false }));
    expect(r.exitCode, r.stdout).toBe(0);
    const vl = await json(sb, sb.host, ["bridge", "-json", "vlan", "show", "dev", (r.json as any).interfaces[1].name]);
    expect(vl[0].vlans).toEqual([{ vlan: 1, flags: ["PVID", "Egress Untagged"] }, { vlan: 10, vlanEnd: 12 }, { vlan: 20 }]);
  });

  it.skipIf(!VLAN)("vlan with isGateway puts the gateway on BRIDGE.VLAN, reachable from the container", async () => {
    const r = await call(sb, "ADD", conf(sb, { vlan: 7 }));
    expect(r.exitCode, r.stdout).toBe(0);
    expect(await addrs(sb, sb.host, "tbr0.7")).toEqual(["10.88.0.1/24"]);
    expect(await canConnect(sb.container, sb.host, "10.88.0.1")).toBe(true);
  });

  it.skipIf(VLAN)("without kernel VLAN filtering, a vlan config fails cleanly and leaves nothing", async () => {
    const r = await call(sb, "ADD", conf(sb, { vlan: 100 }));
    expect(r.exitCode).toBe(1);
    expect(await hasLink(sb, sb.host, "tbr0")).toBe(false);
    expect(await hasLink(sb, sb.container, "eth0")).toBe(false);
  });

  it("hairpinMode is set on the port", async () => {
    const r = await call(sb, "ADD", conf(sb, { hairpinMode: true }));
    expect(r.exitCode, r.stdout).toBe(0);
    const bl = await json(sb, sb.host, ["bridge", "-json", "-d", "link", "show", "dev", (r.json as any).interfaces[1].name]);
    expect(bl[0].hairpin).toBe(true);
  });

  it("mtu on bridge and both veth ends; promiscMode and portIsolation", async () => {
    const r = await call(sb, "ADD", conf(sb, { mtu: 1400, promiscMode: true, portIsolation: true }));
    expect(r.exitCode, r.stdout).toBe(0);
    const host = (r.json as any).interfaces[1].name;
    expect((await links(sb, sb.container, ["dev", "eth0"]))[0].mtu).toBe(1400);
    const h = (await links(sb, sb.host, ["dev", host]))[0];
    expect(h.mtu).toBe(1400);
    expect(h.linkinfo.info_slave_data.isolated).toBe(true);
    const br = (await links(sb, sb.host, ["dev", "tbr0"]))[0];
    expect(br.mtu).toBe(1400);
    expect(br.flags).toContain("PROMISC");
  });

  it("hairpinMode with promiscMode is refused (code 7) before touching anything", async () => {
    const r = await call(sb, "ADD", conf(sb, { hairpinMode: true, promiscMode: true }));
    expect((r.json as any).code).toBe(7);
    expect(await hasLink(sb, sb.host, "tbr0")).toBe(false);
  });

  it("DAD: accept_dad 0 by default, 1 (with enhanced_dad) when enabledad", async () => {
    const v6 = (extra: Record<string, unknown>) => {
      const c = conf(sb, extra);
      (c.ipam as any).ranges = [[{ subnet: "fd88::/64" }]];
      return c;
    };
    expect((await call(sb, "ADD", v6({}))).exitCode).toBe(0);
    expect(await sysctl(sb.container, "net.ipv6.conf.eth0.accept_dad")).toBe("0");
    expect(await sysctl(sb.container, "net.ipv4.conf.eth0.arp_notify")).toBe("1");
    const c2 = sb.containers[1]!;
    const r = await call(sb, "ADD", v6({ enabledad: true, isDefaultGateway: true }), { containerId: "d2", netns: c2.path });
    expect(r.exitCode, r.stdout).toBe(0);
    expect(await sysctl(c2, "net.ipv6.conf.eth0.accept_dad")).toBe("1");
    expect(await sysctl(c2, "net.ipv6.conf.eth0.enhanced_dad")).toBe("1");
    expect((await json(sb, c2, ["ip", "-6", "-j", "route", "show", "default"]))[0].gateway).toBe("fd88::1");
  });

  it("requested MAC: runtimeConfig.mac, args.cni.mac and CNI_ARGS MAC=", async () => {
    const r1 = await call(sb, "ADD", conf(sb, { runtimeConfig: { mac: "0a:58:0a:58:00:aa" } }));
    expect((r1.json as any).interfaces[2].mac).toBe("0a:58:0a:58:00:aa");
    expect((await links(sb, sb.container, ["dev", "eth0"]))[0].address).toBe("0a:58:0a:58:00:aa");
    const c2 = sb.containers[1]!;
    const r2 = await call(sb, "ADD", conf(sb), { containerId: "m2", netns: c2.path, cniArgs: "IgnoreUnknown=1;MAC=0a:58:0a:58:00:bb" });
    expect(r2.exitCode, r2.stdout).toBe(0);
    expect((await links(sb, c2, ["dev", "eth0"]))[0].address).toBe("0a:58:0a:58:00:bb");
  });

  it("macspoofchk installs Go's bridge nat rules and DEL removes them", async () => {
    const c = conf(sb, { macspoofchk: true, runtimeConfig: { mac: "0a:58:0a:58:00:cc" } });
    const r = await call(sb, "ADD", c);
    expect(r.exitCode, r.stdout).toBe(0);
    const nft = await nftRuleset(sb);
    expect(nft).toContain("chain cni-br-iface-ctr1-eth0-mac");
    expect(nft).toContain("ether saddr 0a:58:0a:58:00:cc return");
    expect(nft).toContain(`iifname "${(r.json as any).interfaces[1].name}" jump cni-br-iface-ctr1-eth0`);
    expect((await call(sb, "DEL", c)).exitCode).toBe(0);
    expect(await nftRuleset(sb)).not.toContain("cni-br-iface-ctr1-eth0");
  });

  it("invalid configs are code 7: bad vlan, bad trunk, bad mac", async () => {
    for (const extra of [{ vlan: 5000 }, { vlanTrunk: [{ minID: 5 }] }, { runtimeConfig: { mac: "nope" } }, { bridge: "a-name-far-too-long" }]) {
      const r = await call(sb, "ADD", conf(sb, extra));
      expect((r.json as any).code, JSON.stringify(extra)).toBe(7);
    }
    expect(await ports(sb)).toEqual([]);
    expect(await hasLink(sb, sb.container, "eth0")).toBe(false);
  });
});

describe("CHECK", () => {
  it("passes after ADD and fails once the container address is gone", async () => {
    const c = conf(sb, { isDefaultGateway: true });
    const r = await call(sb, "ADD", c);
    const prevResult = r.json as object;
    const ok = await call(sb, "CHECK", { ...c, prevResult });
    expect(ok.exitCode, ok.stdout).toBe(0);
    await sb.run(sb.container, ["ip", "addr", "del", "10.88.0.2/24", "dev", "eth0"]);
    const bad = await call(sb, "CHECK", { ...c, prevResult });
    expect(bad.exitCode).toBe(1);
    expect((bad.json as any).msg).toContain("10.88.0.2/24");
    expect((await call(sb, "CHECK", c)).exitCode).toBe(1); // prevResult required
    // An address the result gives no interface index is checked against the container end too.
    const unindexed = { ...prevResult, ips: (prevResult as any).ips.map(({ interface: _, ...ip }: any) => ip) };
    const bad2 = await call(sb, "CHECK", { ...c, prevResult: unindexed });
    expect((bad2.json as any).msg).toBe("Failed to match addr 10.88.0.2/24 on interface eth0");
  });

  it("fails naming the netns when prevResult's container interface is in another sandbox", async () => {
    const c = conf(sb);
    const prevResult = (await call(sb, "ADD", c)).json as any;
    const elsewhere = { ...prevResult, interfaces: prevResult.interfaces.map((i: any) => (i.sandbox ? { ...i, sandbox: "/var/run/netns/elsewhere" } : i)) };
    const r = await call(sb, "CHECK", { ...c, prevResult: elsewhere });
    expect(r.exitCode).toBe(1);
    expect(r.json).toMatchObject({ code: 999, msg: `Sandbox in prevResult doesn't match configured netns: ${sb.container.path}` });
  });
});
