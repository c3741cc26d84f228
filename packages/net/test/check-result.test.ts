// CHECK's comparisons of a netns against a result (Go's ip.ValidateExpectedInterfaceIPs and
// ValidateExpectedRoute), on a real netns: what is there passes in any spelling of the
// same address, what is missing or different fails with code 999 naming it.
import { execFileSync } from "node:child_process";
import { ErrorCode } from "@tscni/types";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { checkInterfaceIPs, checkRoutes, expectAddresses, expectRoutes, openNetns, type Netns } from "../src/index.js";
import { cleanupAll, leftoverNetns, newNetns } from "./sandbox.js";

let ns: Netns;
beforeEach(async () => {
  const t = newNetns();
  const ip = (...a: string[]) => execFileSync("ip", ["-n", t.name, ...a]);
  ip("link", "add", "eth0", "type", "veth", "peer", "name", "eth1");
  ip("link", "set", "eth1", "up");
  ip("addr", "add", "10.9.0.2/24", "dev", "eth0");
  ip("addr", "add", "fd00:9::2/64", "dev", "eth0", "nodad");
  ip("link", "set", "eth0", "up");
  ip("route", "add", "10.50.0.0/16", "via", "10.9.0.1");
  ip("route", "add", "default", "via", "10.9.0.1");
  ns = await openNetns(t.path);
});
afterEach(() => {
  cleanupAll();
  expect(leftoverNetns()).toEqual([]);
});

const rejection = (p: Promise<unknown>) => p.then(() => undefined, (e: unknown) => e as { code: number; message: string });

describe("checkInterfaceIPs / checkRoutes", () => {
  it("pass for what the netns has, in any spelling of the same address", async () => {
    await checkInterfaceIPs(ns, "eth0", [{ address: "10.9.0.2/24" }, { address: "fd00:9:0:0::2/64" }]);
    await checkRoutes(ns, [{ dst: "10.50.0.0/16", gw: "10.9.0.1" }, { dst: "0.0.0.0/0" }, { dst: "10.50.0.1/16" }]);
    await checkRoutes(ns, []);
  });

  it("a missing address, or one with another prefix length, is code 999 naming it and the interface", async () => {
    expect(await rejection(checkInterfaceIPs(ns, "eth0", [{ address: "10.9.0.2/24" }, { address: "10.9.0.3/24" }]))).toMatchObject({
      code: ErrorCode.Internal,
      message: "Failed to match addr 10.9.0.3/24 on interface eth0",
    });
    expect(await rejection(checkInterfaceIPs(ns, "eth0", [{ address: "10.9.0.2/16" }]))).toMatchObject({ message: "Failed to match addr 10.9.0.2/16 on interface eth0" });
  });

  it("a missing route, or one through another gateway, is code 999 naming it", async () => {
    expect(await rejection(checkRoutes(ns, [{ dst: "10.60.0.0/16" }]))).toMatchObject({ code: ErrorCode.Internal, message: "Failed to match route 10.60.0.0/16 via (none) in container" });
    expect(await rejection(checkRoutes(ns, [{ dst: "10.50.0.0/16", gw: "10.9.0.254" }]))).toMatchObject({ message: "Failed to match route 10.50.0.0/16 via 10.9.0.254 in container" });
  });
});

describe("expectAddresses / expectRoutes on what a plugin already read", () => {
  it("compare canonical forms; nothing wanted is nothing missing", () => {
    expect(() => expectAddresses([{ cidr: "fd00::2/64" }], [{ address: "fd00:0::2/64" }], "eth0")).not.toThrow();
    expect(() => expectAddresses([], [], "eth0")).not.toThrow();
    expect(() => expectAddresses([{ cidr: "10.0.0.2/24" }], [{ address: "10.0.0.2/25" }], "net1")).toThrow("Failed to match addr 10.0.0.2/25 on interface net1");
    expect(() => expectRoutes([{ dst: "::/0", via: "fd00::1" }], [{ dst: "::/0", gw: "fd00:0::1" }])).not.toThrow();
    expect(() => expectRoutes([{ dst: "::/0", via: "fd00::1" }], [{ dst: "::/0", gw: "fd00::2" }])).toThrow("Failed to match route ::/0 via fd00::2 in container");
  });
});
