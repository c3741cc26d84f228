import { describe, expect, it } from "vitest";
import { ALL_VERSIONS, CniError, compareVersions, convertResult, toCurrentResult } from "../src/index.js";
import { richResult110 } from "./vectors.js";
import { caught } from "./catch.js";

/** A full-featured sample of each version, built by converting the rich 1.1.0 result down. */
const samples = Object.fromEntries(ALL_VERSIONS.map((v) => [v, convertResult(richResult110, v)])) as Record<string, Record<string, unknown>>;


describe("every pair of versions", () => {
  for (const from of ALL_VERSIONS) {
    for (const to of ALL_VERSIONS) {
      it(`${from} -> ${to}`, () => {
        const x = samples[from]!;
        const y = convertResult(x, to);
        expect(y.cniVersion).toBe(to);
        if (compareVersions(from, to) >= 0) {
          // Going down from a down-converted sample equals converting the rich result directly (paths agree).
          expect(y).toEqual(samples[to]);
        }
        if (compareVersions(from, to) <= 0) {
          // Going up loses nothing: coming back gives the original.
          expect(convertResult(y, from)).toEqual(x);
        } else {
          // Going down is lossy but stable: down, up, down again changes nothing.
          expect(convertResult(convertResult(y, from), to)).toEqual(y);
        }
      });
    }
  }
});

describe("what each target keeps and drops", () => {
  it("1.1.0 -> 1.1.0 keeps every 1.1 field", () => {
    expect(convertResult(richResult110, "1.1.0")).toEqual(richResult110);
  });

  it("1.1.0 -> 1.0.0 drops interface mtu/socketPath/pciID and route mtu/advmss/priority/table/scope", () => {
    const out = convertResult(richResult110, "1.0.0") as typeof richResult110;
    expect(out.interfaces).toEqual([
      { name: "cni0", mac: "00:11:22:33:44:55" },
      { name: "eth0", mac: "99:88:77:66:55:44", sandbox: "/var/run/netns/blue" },
    ]);
    expect(out.routes).toEqual([{ dst: "0.0.0.0/0", gw: "10.1.0.1" }, { dst: "192.168.0.0/16" }, { dst: "::/0", gw: "fd00:1::1" }]);
    expect(out.ips).toEqual(richResult110.ips);
    expect(out.dns).toEqual(richResult110.dns);
  });

  it("1.1.0 -> 0.4.0 adds version per ip, from the address family", () => {
    const out = convertResult(richResult110, "0.4.0") as { ips: Array<{ version: string; address: string }> };
    expect(out.ips.map((i) => [i.version, i.address])).toEqual([
      ["4", "10.1.0.5/16"], ["4", "10.1.0.6/16"], ["6", "fd00:1::5/64"], ["6", "fd00:1::6/64"],
    ]);
    expect(JSON.stringify(out)).not.toMatch(/mtu|advmss|priority|table|scope|socketPath|pciID/);
  });

  it("an IPv4-mapped IPv6 address counts as version 4 (Go's To4)", () => {
    const out = convertResult({ cniVersion: "1.0.0", ips: [{ address: "::ffff:10.1.0.5/120" }] }, "0.4.0") as { ips: Array<{ version: string }> };
    expect(out.ips[0]!.version).toBe("4");
  });

  it("-> 0.2.0 keeps the first address of each family and drops the others, as Go does", () => {
    const out = convertResult(richResult110, "0.2.0");
    expect(out).toEqual({
      cniVersion: "0.2.0",
      ip4: { ip: "10.1.0.5/16", gateway: "10.1.0.1", routes: [{ dst: "0.0.0.0/0", gw: "10.1.0.1" }, { dst: "192.168.0.0/16" }] },
      ip6: { ip: "fd00:1::5/64", gateway: "fd00:1::1", routes: [{ dst: "::/0", gw: "fd00:1::1" }] },
      dns: richResult110.dns,
    });
  });

  it("-> 0.2.0 drops routes of a family that has no address", () => {
    const out = convertResult({ cniVersion: "1.1.0", ips: [{ address: "10.0.0.2/24" }], routes: [{ dst: "::/0" }, { dst: "0.0.0.0/0" }] }, "0.2.0");
    expect(out).toEqual({ cniVersion: "0.2.0", ip4: { ip: "10.0.0.2/24", routes: [{ dst: "0.0.0.0/0" }] } });
  });

  it("0.4.0 -> 0.2.0 places addresses by their version field", () => {
    const out = convertResult({ cniVersion: "0.4.0", ips: [{ version: "6", address: "fd00::2/64" }, { version: "4", address: "10.0.0.2/24" }] }, "0.1.0");
    expect(out).toEqual({ cniVersion: "0.1.0", ip4: { ip: "10.0.0.2/24" }, ip6: { ip: "fd00::2/64" } });
  });

  it("0.4.0 ips without version are accepted (as Go does) and get one on output", () => {
    const out = convertResult({ cniVersion: "0.3.1", ips: [{ address: "fd00::2/64" }] }, "0.4.0");
    expect(out).toEqual({ cniVersion: "0.4.0", ips: [{ version: "6", address: "fd00::2/64" }] });
  });

  it("empty arrays and an empty dns are omitted, like Go's omitempty", () => {
    expect(convertResult({ cniVersion: "1.1.0", interfaces: [], ips: [], routes: [], dns: {} }, "1.1.0")).toEqual({ cniVersion: "1.1.0" });
    expect(convertResult({ cniVersion: "1.1.0", ips: [{ address: "10.0.0.2/24" }], dns: { search: [] } }, "0.4.0")).toEqual({
      cniVersion: "0.4.0", ips: [{ version: "4", address: "10.0.0.2/24" }],
    });
  });

  it("unknown keys in a result are dropped (results are typed, as in Go)", () => {
    expect(convertResult({ cniVersion: "1.1.0", ips: [{ address: "10.0.0.2/24", foo: 1 }], bar: true }, "1.1.0")).toEqual({
      cniVersion: "1.1.0", ips: [{ address: "10.0.0.2/24" }],
    });
  });

  it("does not alias or mutate its input", () => {
    const input = structuredClone(richResult110);
    const out = convertResult(input, "1.1.0") as typeof richResult110;
    out.dns.nameservers.push("x");
    out.interfaces[0]!.name = "y";
    expect(input).toEqual(richResult110);
  });
});

describe("refusals", () => {
  it("a result without any IP cannot become 0.2.0/0.1.0 (code 1)", () => {
    for (const from of ["1.1.0", "1.0.0", "0.4.0", "0.3.0"]) {
      for (const to of ["0.2.0", "0.1.0"]) {
        const e = caught(() => convertResult({ cniVersion: from, interfaces: [{ name: "eth0" }] }, to));
        expect(e.code).toBe(1);
        expect(e.message).toBe(`cannot convert result to ${to}: no IP address`);
        expect(e.details).toBe(`a ${to} result requires ip4 or ip6`);
      }
    }
  });

  it("unknown source or target versions are code 1", () => {
    expect(caught(() => convertResult({ cniVersion: "1.2.0" }, "1.1.0")).code).toBe(1);
    expect(caught(() => convertResult({ cniVersion: "1.1.0" }, "0.5.0")).code).toBe(1);
    expect(caught(() => convertResult({ cniVersion: "1.1.0" }, "")).code).toBe(1);
    expect(caught(() => convertResult({ cniVersion: 110 }, "1.1.0")).code).toBe(1);
    expect(caught(() => convertResult({}, "1.1.0", "9")).code).toBe(1);
  });

  it("a result with no cniVersion and no fallback is code 1; the fallback is used when given", () => {
    expect(caught(() => convertResult({ ips: [] }, "1.1.0")).code).toBe(1);
    expect(convertResult({ ips: [] }, "1.1.0", "0.3.1")).toEqual({ cniVersion: "1.1.0" });
    expect(convertResult({ cniVersion: "", ip4: { ip: "10.0.0.2/8" } }, "0.4.0", "0.2.0").ips).toEqual([{ version: "4", address: "10.0.0.2/8" }]);
  });

  it("a non-object result is a decode failure (code 6)", () => {
    for (const bad of [null, "x", 3, [1]]) expect(caught(() => convertResult(bad, "1.1.0", "1.1.0")).code).toBe(6);
  });

  it("a result not matching its version's shape is code 7 and names the path", () => {
    const e = caught(() => toCurrentResult({ cniVersion: "0.4.0", ips: [{ version: "5", address: "10.0.0.2/24" }] }));
    expect(e.code).toBe(7);
    expect(e.message).toMatch(/ips\[0\]\.version/);
    const e2 = caught(() => convertResult({ cniVersion: "0.2.0", ip4: { ip: "10.0.0.2/24", routes: [{ gw: "10.0.0.1" }] } }, "1.1.0"));
    expect(e2.code).toBe(7);
    expect(e2.message).toBe("invalid 0.2.0 result: ip4.routes[0].dst");
    expect(e2.details).toMatch(/ip4\.routes\[0\]\.dst: required string is missing/);
  });

  it("addresses and gateways must be real IPs in the right notation", () => {
    expect(caught(() => toCurrentResult({ cniVersion: "1.1.0", ips: [{ address: "10.0.0.2" }] })).message).toMatch(/ips\[0\]\.address/);
    expect(caught(() => toCurrentResult({ cniVersion: "1.1.0", ips: [{ address: "10.0.0.2/33" }] })).message).toMatch(/ips\[0\]\.address/);
    expect(caught(() => toCurrentResult({ cniVersion: "1.1.0", ips: [{ address: "10.0.0.2/24", gateway: "10.0.0.256" }] })).message).toMatch(/ips\[0\]\.gateway/);
    expect(caught(() => toCurrentResult({ cniVersion: "1.1.0", routes: [{ dst: "default" }] })).message).toMatch(/routes\[0\]\.dst/);
    expect(caught(() => toCurrentResult({ cniVersion: "1.1.0", routes: [{ dst: "::/0", mtu: -1 }] })).message).toMatch(/routes\[0\]\.mtu/);
    expect(caught(() => toCurrentResult({ cniVersion: "1.1.0", interfaces: [{ mac: "x" }] })).message).toMatch(/interfaces\[0\]\.name/);
  });
});
