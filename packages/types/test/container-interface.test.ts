import { describe, expect, it } from "vitest";
import { containerInterface, type Result } from "../src/index.js";

const result: Result = {
  cniVersion: "1.1.0",
  interfaces: [{ name: "cni0", mac: "aa:aa:aa:aa:aa:aa" }, { name: "veth1234", mac: "bb:bb:bb:bb:bb:bb" }, { name: "eth0", mac: "cc:cc:cc:cc:cc:cc", sandbox: "/var/run/netns/c1" }, { name: "eth0", sandbox: "/var/run/netns/other" }],
  ips: [{ interface: 2, address: "10.1.0.5/24", gateway: "10.1.0.1" }, { interface: 2, address: "fd00::5/64" }, { interface: 3, address: "10.9.0.2/24" }, { address: "10.7.0.1/24" }],
};

describe("containerInterface", () => {
  it("finds the sandboxed interface by name and netns, with the addresses that point at it", () => {
    expect(containerInterface(result, "eth0", "/var/run/netns/c1")).toEqual({
      index: 2,
      iface: result.interfaces![2],
      ips: [result.ips![0], result.ips![1]],
    });
    expect(containerInterface(result, "eth0", "/var/run/netns/other")?.ips.map((i) => i.address)).toEqual(["10.9.0.2/24"]);
  });

  it("host-side interfaces (no sandbox), a wrong netns and no result find nothing", () => {
    expect(containerInterface(result, "cni0")).toBeUndefined();
    expect(containerInterface(result, "eth0", "/proc/1/ns/net")).toBeUndefined();
    expect(containerInterface(undefined, "eth0")).toBeUndefined();
    expect(containerInterface(result, "eth0")?.index).toBe(2); // the first sandboxed one when the netns is not given
  });
});
