// Unit tests of the pure argv builders (in addition to the netns integration tests).
import { describe, expect, it } from "vitest";
import { linkSetArgs, bridgeAddArgs, bridgePortArgs, vethAddArgs, addrArgs, routeArgs, portVlanCmds, randomVethName, checkIfName, classify, goChainName, goComment, nftInstanceComment, splitSaveLine } from "../src/index.js";

describe("argv builders", () => {
  it("builds ip link/bridge/veth commands", () => {
    expect(linkSetArgs("eth0", { mtu: 1400, mac: "02:AA:00:00:00:01", master: "br0", up: true })).toEqual(["link", "set", "dev", "eth0", "mtu", "1400", "address", "02:aa:00:00:00:01", "master", "br0", "up"]);
    expect(linkSetArgs("eth0", { master: null, up: false })).toEqual(["link", "set", "dev", "eth0", "nomaster", "down"]);
    expect(bridgeAddArgs({ name: "br0", mtu: 9000, vlanFiltering: true })).toEqual(["link", "add", "name", "br0", "mtu", "9000", "type", "bridge", "vlan_filtering", "1"]);
    expect(bridgePortArgs("v0", { hairpin: true, learning: false })).toEqual(["link", "set", "dev", "v0", "type", "bridge_slave", "hairpin", "on", "learning", "off"]);
    expect(vethAddArgs("veth1", { peerName: "eth0", peerNetns: { path: "/proc/12/ns/net" }, mtu: 1500 })).toEqual(["link", "add", "name", "veth1", "mtu", "1500", "type", "veth", "peer", "name", "eth0", "mtu", "1500", "netns", "/proc/12/ns/net"]);
    expect(vethAddArgs("veth1", { peerName: "eth0", peerNetns: { path: "/run/netns/a", name: "a" } }).slice(-2)).toEqual(["netns", "a"]);
  });
  it("builds addr/route commands; default picks the family", () => {
    expect(addrArgs("add", "eth0", "fd00::2/64", { nodad: true })).toEqual(["addr", "add", "fd00::2/64", "dev", "eth0", "nodad"]);
    expect(addrArgs("add", "eth0", "10.0.0.2/24", { nodad: true })).toEqual(["addr", "add", "10.0.0.2/24", "dev", "eth0"]);
    expect(routeArgs("add", { dst: "default", via: "fd00::1" })).toEqual(["route", "add", "::/0", "via", "fd00::1"]);
    expect(routeArgs("replace", { dst: "default", via: "10.0.0.1", table: 7, mtu: 1400, metric: 5 })).toEqual(["route", "replace", "0.0.0.0/0", "via", "10.0.0.1", "table", "7", "metric", "5", "mtu", "1400"]);
    expect(routeArgs("add", { dst: "default", dev: "eth0", family: 6 })[2]).toBe("::/0");
  });
  it("builds bridge vlan commands (access, trunk ranges, default removal)", () => {
    expect(portVlanCmds("v0", { removeDefault: true, pvid: 10, trunk: [20, [30, 40], [50, 50]] })).toEqual([
      ["vlan", "del", "dev", "v0", "vid", "1"],
      ["vlan", "add", "dev", "v0", "vid", "10", "pvid", "untagged", "master"],
      ["vlan", "add", "dev", "v0", "vid", "20", "master"],
      ["vlan", "add", "dev", "v0", "vid", "30-40", "master"],
      ["vlan", "add", "dev", "v0", "vid", "50", "master"],
    ]);
    expect(() => portVlanCmds("v0", { trunk: [[40, 30]] })).toThrow(/range/);
    expect(() => portVlanCmds("v0", { pvid: 0 })).toThrow(/VLAN id/);
  });
  it("validates names and makes Go-style veth names", () => {
    expect(randomVethName()).toMatch(/^veth[0-9a-f]{8}$/);
    for (const bad of ["", "a b", "x/y", "a:b", "1234567890123456", ".", ".."]) expect(() => checkIfName(bad)).toThrow();
    expect(checkIfName("123456789012345")).toBe("123456789012345");
  });
  it("classifies failures", () => {
    expect(classify("RTNETLINK answers: File exists")).toBe("exists");
    expect(classify('Cannot find device "x"')).toBe("not-found");
    expect(classify("RTNETLINK answers: Device or resource busy")).toBe("busy");
    expect(classify("RTNETLINK answers: Operation not supported")).toBe("unsupported");
  });
  it("names and comments rules like the Go plugins", () => {
    expect(goChainName("net", "id")).toMatch(/^CNI-[0-9a-f]{24}$/);
    expect(goComment("net", "id")).toBe('name: "net" id: "id"');
    expect(nftInstanceComment("net", "eth0", "x".repeat(200)).length).toBe(128);
    expect(nftInstanceComment("net", "eth0", "c1")).toMatch(/^[0-9a-f]{16}-[0-9a-f]{16}, net: net, if: eth0, id: c1$/);
    expect(splitSaveLine('-A P -m comment --comment "name: \\"n\\" id: \\"c\\"" -j X')).toEqual(["-A", "P", "-m", "comment", "--comment", 'name: "n" id: "c"', "-j", "X"]);
  });
});
