import { describe, expect, it } from "vitest";
import { CniError, parseWith } from "@tscni/types";
import { configSchema, normaliseConfig, rangeSetString } from "../src/index.js";
import { formatIP } from "@tscni/types/ip";

const base = (ipam: object, extra: object = {}) => ({ cniVersion: "1.0.0", name: "net1", type: "bridge", ipam: { type: "host-local", dataDir: "/tmp/x", ...ipam }, ...extra });
const load = (c: unknown, args: Array<[string, string]> = []) => normaliseConfig(parseWith(configSchema, c), args);

function codeOf(f: () => unknown): { code: number; msg: string } {
  try {
    f();
  } catch (e) {
    if (e instanceof CniError) return { code: e.code, msg: e.message };
    throw e;
  }
  throw new Error("did not throw");
}

describe("normaliseConfig", () => {
  it("fills Go's defaults for a v4 range: gateway .1, start .1, end before broadcast", () => {
    const c = load(base({ ranges: [[{ subnet: "10.1.2.0/24" }]] }));
    expect(c.dir).toBe("/tmp/x/net1");
    expect(rangeSetString(c.ranges[0]!)).toBe("10.1.2.1-10.1.2.254");
    expect(formatIP(c.ranges[0]![0]!.gateway)).toBe("10.1.2.1");
  });

  it("v6 ranges end at the last address", () => {
    const c = load(base({ ranges: [[{ subnet: "fd00::/120" }]] }));
    expect(rangeSetString(c.ranges[0]!)).toBe("fd00::1-fd00::ff");
  });

  it("orders runtimeConfig.ipRanges, legacy subnet, then ranges", () => {
    const c = load(base(
      { subnet: "10.0.0.0/24", rangeStart: "10.0.0.10", rangeEnd: "10.0.0.20", gateway: "10.0.0.254", ranges: [[{ subnet: "fd00::/64" }]] },
      { runtimeConfig: { ipRanges: [[{ subnet: "10.5.0.0/16" }]] } },
    ));
    expect(c.ranges.map(rangeSetString)).toEqual(["10.5.0.1-10.5.255.254", "10.0.0.10-10.0.0.20", "fd00::1-fd00::ffff:ffff:ffff:ffff"]);
    expect(formatIP(c.ranges[1]![0]!.gateway)).toBe("10.0.0.254");
  });

  it("collects requested IPs from CNI_ARGS, args.cni.ips and runtimeConfig.ips, unmapping v4-mapped ones", () => {
    const c = load(base({ ranges: [[{ subnet: "10.0.0.0/24" }]] }, { args: { cni: { ips: ["10.0.0.7/24"] } }, runtimeConfig: { ips: ["::ffff:10.0.0.8"] } }), [
      ["IgnoreUnknown", "1"], ["K8S_POD_NAME", "x"], ["IP", "10.0.0.6"],
    ]);
    expect(c.requestedIPs.map(formatIP)).toEqual(["10.0.0.6", "10.0.0.7", "10.0.0.8"]);
    expect(c.requestedIPs.every((ip) => ip.family === 4)).toBe(true);
  });

  it("fails on unknown CNI_ARGS without IgnoreUnknown (code 4), like Go", () => {
    expect(codeOf(() => load(base({ subnet: "10.0.0.0/24" }), [["K8S_POD_NAME", "x"]])).code).toBe(4);
    expect(codeOf(() => load(base({ subnet: "10.0.0.0/24" }), [["IP", "nope"]])).code).toBe(4);
  });

  it("reads resolvConf and routes through", () => {
    const c = load(base({ subnet: "10.0.0.0/24", routes: [{ dst: "0.0.0.0/0", gw: "10.0.0.1" }], resolvConf: "/etc/resolv.conf" }));
    expect(c.routes).toEqual([{ dst: "0.0.0.0/0", gw: "10.0.0.1" }]);
    expect(c.resolvConf).toBe("/etc/resolv.conf");
  });

  it("accepts several ranges in one set and dual-stack sets", () => {
    const c = load(base({ ranges: [[{ subnet: "10.0.0.0/24" }, { subnet: "10.0.1.0/24", rangeStart: "10.0.1.50" }], [{ subnet: "fd00::/64" }]] }));
    expect(c.ranges).toHaveLength(2);
    expect(rangeSetString(c.ranges[0]!)).toBe("10.0.0.1-10.0.0.254,10.0.1.50-10.0.1.254");
  });

  const badCases: Array<[string, unknown, RegExp]> = [
    ["missing ipam", { cniVersion: "1.0.0", name: "n" }, /ipam/],
    ["ipam not an object", { cniVersion: "1.0.0", name: "n", ipam: "x" }, /ipam/],
    ["no ranges", base({}), /no IP ranges/],
    ["ranges not an array", base({ ranges: { subnet: "10.0.0.0/24" } }), /ipam\.ranges/],
    ["subnet a number", base({ ranges: [[{ subnet: 10 }]] }), /ipam\.ranges\[0\]\[0\]\.subnet/],
    ["CIDR garbage", base({ ranges: [[{ subnet: "10.0.0.0/33" }]] }), /invalid CIDR/],
    ["CIDR without prefix", base({ ranges: [[{ subnet: "10.0.0.0" }]] }), /invalid CIDR/],
    ["subnet missing in range", base({ ranges: [[{ rangeStart: "10.0.0.1" }]] }), /subnet: missing/],
    ["empty range set", base({ ranges: [[]] }), /empty range set/],
    ["host bits", base({ ranges: [[{ subnet: "10.0.0.5/24" }]] }), /host bits/],
    ["too small /31", base({ ranges: [[{ subnet: "10.0.0.0/31" }]] }), /too small/],
    ["too small /127", base({ ranges: [[{ subnet: "fd00::/127" }]] }), /too small/],
    ["rangeStart outside", base({ ranges: [[{ subnet: "10.0.0.0/24", rangeStart: "10.0.1.1" }]] }), /rangeStart: 10\.0\.1\.1 is not in network/],
    ["rangeEnd outside", base({ ranges: [[{ subnet: "10.0.0.0/24", rangeEnd: "10.0.1.1" }]] }), /rangeEnd/],
    ["rangeStart garbage", base({ ranges: [[{ subnet: "10.0.0.0/24", rangeStart: "10.0.0.300" }]] }), /invalid IP/],
    ["start after end", base({ ranges: [[{ subnet: "10.0.0.0/24", rangeStart: "10.0.0.9", rangeEnd: "10.0.0.8" }]] }), /after rangeEnd/],
    ["gateway wrong family", base({ ranges: [[{ subnet: "10.0.0.0/24", gateway: "fd00::1" }]] }), /family/],
    ["mixed families in a set", base({ ranges: [[{ subnet: "10.0.0.0/24" }, { subnet: "fd00::/64" }]] }), /mixed address families/],
    ["overlap within a set", base({ ranges: [[{ subnet: "10.0.0.0/24" }, { subnet: "10.0.0.0/25" }]] }), /overlap/],
    ["overlap across sets", base({ ranges: [[{ subnet: "10.0.0.0/24" }], [{ subnet: "10.0.0.128/25" }]] }), /overlaps/],
    ["legacy key without subnet", base({ rangeStart: "10.0.0.1", ranges: [[{ subnet: "10.0.0.0/24" }]] }), /given without ipam.subnet/],
    ["two v4 sets at 0.2.0", { ...base({ ranges: [[{ subnet: "10.0.0.0/24" }], [{ subnet: "10.1.0.0/24" }]] }), cniVersion: "0.2.0" }, /more than 1 address per family/],
    ["route dst garbage", base({ subnet: "10.0.0.0/24", routes: [{ dst: "default" }] }), /routes\[0\]\.dst/],
    ["route gw garbage", base({ subnet: "10.0.0.0/24", routes: [{ dst: "0.0.0.0/0", gw: "x" }] }), /routes\[0\]\.gw/],
    ["routes not array", base({ subnet: "10.0.0.0/24", routes: "0.0.0.0/0" }), /routes/],
    ["relative dataDir", base({ subnet: "10.0.0.0/24", dataDir: "rel/dir" }), /absolute/],
    ["dataDir with ..", base({ subnet: "10.0.0.0/24", dataDir: "/tmp/../etc" }), /\.\./],
    ["dataDir not a string", base({ subnet: "10.0.0.0/24", dataDir: 5 }), /dataDir/],
    ["name traversal", { ...base({ subnet: "10.0.0.0/24" }), name: "../../etc" }, /network name/],
    ["name with slash", { ...base({ subnet: "10.0.0.0/24" }), name: "a/b" }, /network name/],
    ["requested IP garbage", base({ subnet: "10.0.0.0/24" }, { runtimeConfig: { ips: ["10.0.0.x"] } }), /runtimeConfig\.ips\[0\]/],
    ["args ips garbage", base({ subnet: "10.0.0.0/24" }, { args: { cni: { ips: ["1.2.3.4/99"] } } }), /args\.cni\.ips\[0\]/],
    ["ipRanges garbage", base({ subnet: "10.0.0.0/24" }, { runtimeConfig: { ipRanges: [[{ subnet: "nope" }]] } }), /runtimeConfig\.ipRanges\[0\]\[0\]\.subnet/],
    ["v4-mapped subnet", base({ ranges: [[{ subnet: "::ffff:10.0.0.0/120" }]] }), /IPv4-mapped/],
  ];
  it.each(badCases)("rejects %s with code 7", (_, conf, msg) => {
    const r = codeOf(() => load(conf));
    expect(r.code).toBe(7);
    expect(r.msg).toMatch(msg);
  });
});
