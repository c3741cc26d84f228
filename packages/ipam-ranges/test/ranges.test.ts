import { describe, expect, it } from "vitest";
import { CniError, parseWith } from "@tscni/types";
import { formatIP, parseIP, type IPAddr } from "@tscni/types/ip";
import { assignRequested, checkRequestedAddress, ipamResult, normaliseRange, normaliseRanges, rangeShapes, usableCount } from "../src/index.js";

// host-local's config tests cover the normalisation rules; these cover what cluster-ipam
// uses on top of them.
const ip = (s: string): IPAddr => parseIP(s)!;
const codeOf = (f: () => unknown): number => {
  try {
    f();
  } catch (e) {
    if (e instanceof CniError) return e.code;
    throw e;
  }
  return 0;
};

describe("@tscni/ipam-ranges", () => {
  it("usableCount leaves out gateway, network and v4 broadcast only when they lie in the range", () => {
    expect(usableCount(normaliseRange({ subnet: "10.0.0.0/24" }, "r"))).toBe(253n); // .1-.254 without gateway .1
    expect(usableCount(normaliseRange({ subnet: "10.0.0.0/24", rangeStart: "10.0.0.0", rangeEnd: "10.0.0.255" }, "r"))).toBe(253n);
    expect(usableCount(normaliseRange({ subnet: "10.0.0.0/24", rangeStart: "10.0.0.10", rangeEnd: "10.0.0.19" }, "r"))).toBe(10n);
    expect(usableCount(normaliseRange({ subnet: "fd00::/120" }, "r"))).toBe(254n); // ::1-::ff without gateway ::1
  });

  it("assignRequested gives each set the first requested address it contains; one no set contains is code 7", () => {
    const sets = [[normaliseRange({ subnet: "10.0.0.0/24" }, "a")], [normaliseRange({ subnet: "fd00::/64" }, "b")]];
    expect(assignRequested(sets, [ip("fd00::9"), ip("10.0.0.9")]).map((a) => a && formatIP(a))).toEqual(["10.0.0.9", "fd00::9"]);
    expect(assignRequested(sets, [ip("10.0.0.9")]).map((a) => a && formatIP(a))).toEqual(["10.0.0.9", undefined]);
    expect(codeOf(() => assignRequested(sets, [ip("10.0.0.9"), ip("10.0.0.10")]))).toBe(7);
    expect(codeOf(() => assignRequested(sets, [ip("10.9.0.9")]))).toBe(7);
  });

  it("checkRequestedAddress refuses the gateway, the network and the v4 broadcast address", () => {
    const r = normaliseRange({ subnet: "10.0.0.0/24", rangeStart: "10.0.0.0", rangeEnd: "10.0.0.255" }, "r");
    for (const a of ["10.0.0.1", "10.0.0.0", "10.0.0.255"]) expect(codeOf(() => checkRequestedAddress(r, ip(a)))).toBe(7);
    expect(codeOf(() => checkRequestedAddress(r, ip("10.0.0.2")))).toBe(0);
  });

  it("normaliseRanges reads a config parsed with the shared schema; ipamResult builds the result", () => {
    const conf = parseWith(rangeShapes().rangesConfigSchema, {
      cniVersion: "1.1.0", name: "n", ipam: { ranges: [[{ subnet: "10.0.0.0/24", gateway: "10.0.0.254" }]], routes: [{ dst: "0.0.0.0/0" }] },
    });
    const n = normaliseRanges(conf, [["IP", "10.0.0.7"]]);
    expect(n.requestedIPs.map(formatIP)).toEqual(["10.0.0.7"]);
    expect(ipamResult([{ ip: ip("10.0.0.7"), range: n.ranges[0]![0]! }], n.routes, { nameservers: ["10.0.0.53"] })).toEqual({
      cniVersion: "1.1.0",
      ips: [{ address: "10.0.0.7/24", gateway: "10.0.0.254" }],
      routes: [{ dst: "0.0.0.0/0" }],
      dns: { nameservers: ["10.0.0.53"] },
    });
    expect(ipamResult([], [], {})).toEqual({ cniVersion: "1.1.0", ips: [] });
  });
});
