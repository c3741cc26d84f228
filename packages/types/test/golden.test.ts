import { describe, expect, it } from "vitest";
import {
  convertResult, errorResultSchema, netConfListSchema, netConfSchema, parseWith, resultSchema,
  toCurrentResult, versionResultSchema, CniError, VALID_ATTACHMENTS_KEY, getResult020Schema, getResult040Schema,
} from "../src/index.js";
import {
  bridgeResult020, bridgeResult040, spec040PrevResult, specBridgeResult, specDbnetList, specErrorResult,
  specIpamResult, specPortmapRequest, specVersionResult,
} from "./vectors.js";

describe("spec examples: results", () => {
  it("the 1.1.0 bridge ADD result validates and is kept field for field", () => {
    const out = convertResult(specBridgeResult, "1.1.0", "1.1.0");
    expect(out).toEqual({ cniVersion: "1.1.0", ...specBridgeResult });
    // Go's field order: cniVersion, interfaces, ips, routes, dns.
    expect(Object.keys(out)).toEqual(["cniVersion", "interfaces", "ips", "routes", "dns"]);
  });

  it("the IPAM (abbreviated) result parses: no interfaces, no interface index", () => {
    const r = toCurrentResult(specIpamResult, "1.1.0");
    expect(r).toEqual({ cniVersion: "1.1.0", ...specIpamResult });
    expect(r.interfaces).toBeUndefined();
    expect(r.ips?.[0]?.interface).toBeUndefined();
  });

  it("bridge result 1.1.0 -> 0.4.0 adds ips[].version and keeps the rest", () => {
    const out = convertResult({ cniVersion: "1.1.0", ...specBridgeResult }, "0.4.0");
    expect(out).toEqual(bridgeResult040);
    expect(JSON.stringify(out)).toBe(JSON.stringify(bridgeResult040)); // key order too
  });

  it("bridge result 1.1.0 -> 0.3.1 and 0.3.0 only differ in cniVersion from 0.4.0", () => {
    for (const v of ["0.3.0", "0.3.1"]) {
      expect(convertResult({ cniVersion: "1.1.0", ...specBridgeResult }, v)).toEqual({ ...bridgeResult040, cniVersion: v });
    }
  });

  it("bridge result 1.1.0 -> 0.2.0 uses the ip4 shape with nested routes and drops interfaces", () => {
    expect(convertResult({ cniVersion: "1.1.0", ...specBridgeResult }, "0.2.0")).toEqual(bridgeResult020);
    expect(convertResult({ cniVersion: "1.1.0", ...specBridgeResult }, "0.1.0")).toEqual({ ...bridgeResult020, cniVersion: "0.1.0" });
  });

  it("0.2.0 result -> 1.1.0: ip4 becomes ips[0], its routes become top-level routes", () => {
    expect(toCurrentResult(bridgeResult020)).toEqual({
      cniVersion: "1.1.0",
      ips: [{ address: "10.1.0.5/16", gateway: "10.1.0.1" }],
      routes: [{ dst: "0.0.0.0/0" }],
      dns: { nameservers: ["10.1.0.1" ] },
    });
  });

  it("0.2.0 result with ip4 and ip6 -> 0.4.0 orders ip4 first, routes follow their address", () => {
    const r020 = {
      cniVersion: "0.2.0",
      ip4: { ip: "10.1.0.5/16", gateway: "10.1.0.1", routes: [{ dst: "0.0.0.0/0" }, { dst: "10.2.0.0/16", gw: "10.1.0.254" }] },
      ip6: { ip: "fd00::5/64", routes: [{ dst: "::/0", gw: "fd00::1" }] },
    };
    expect(convertResult(r020, "0.4.0")).toEqual({
      cniVersion: "0.4.0",
      ips: [
        { version: "4", address: "10.1.0.5/16", gateway: "10.1.0.1" },
        { version: "6", address: "fd00::5/64" },
      ],
      routes: [{ dst: "0.0.0.0/0" }, { dst: "10.2.0.0/16", gw: "10.1.0.254" }, { dst: "::/0", gw: "fd00::1" }],
    });
  });

  it("the 0.4.0 prevResult example (no cniVersion of its own) converts up with the config's version", () => {
    expect(toCurrentResult(spec040PrevResult, "0.4.0")).toEqual({
      cniVersion: "1.1.0",
      interfaces: spec040PrevResult.interfaces,
      ips: [{ interface: 2, address: "10.0.0.5/32" }],
      dns: { nameservers: ["10.1.0.1"] },
    });
  });

  it("the result's own cniVersion wins over the fallback", () => {
    expect(convertResult(bridgeResult040, "1.1.0", "0.2.0").ips).toEqual([{ interface: 2, address: "10.1.0.5/16", gateway: "10.1.0.1" }]);
  });

  it("resultSchema accepts the spec example directly", () => {
    expect(parseWith(resultSchema, specBridgeResult, "result")).toEqual(specBridgeResult);
  });

  it("the lazily built 0.4.0 and 0.2.0 schemas accept their shapes and are built once", () => {
    expect(getResult040Schema()).toBe(getResult040Schema());
    expect(getResult020Schema()).toBe(getResult020Schema());
    expect(parseWith(getResult040Schema(), bridgeResult040)).toEqual(bridgeResult040);
    expect(parseWith(getResult040Schema(), spec040PrevResult)).toEqual(spec040PrevResult);
    expect(parseWith(getResult020Schema(), bridgeResult020)).toEqual(bridgeResult020);
    expect(() => parseWith(getResult020Schema(), { ip4: { gateway: "10.1.0.1" } }, "0.2.0 result")).toThrowError(
      expect.objectContaining({ message: "invalid 0.2.0 result: ip4.ip", details: expect.stringMatching(/ip4\.ip: required string is missing/) }),
    );
  });
});

describe("spec examples: config, VERSION, Error", () => {
  it("the dbnet conflist parses, plugin-specific keys survive", () => {
    const l = parseWith(netConfListSchema, specDbnetList, "conflist");
    expect(l.name).toBe("dbnet");
    expect(l.cniVersions).toEqual(["0.3.1", "0.4.0", "1.0.0", "1.1.0"]);
    expect(l.plugins?.map((p) => p.type)).toEqual(["bridge", "tuning", "portmap"]);
    expect(l.plugins?.[0]).toEqual(specDbnetList.plugins[0]);
    expect((l.plugins?.[1] as Record<string, unknown>).sysctl).toEqual({ "net.core.somaxconn": "500" });
    expect(l.plugins?.[1]?.capabilities).toEqual({ mac: true });
  });

  it("the portmap request config parses with runtimeConfig and a raw prevResult", () => {
    const c = parseWith(netConfSchema, specPortmapRequest);
    expect(c.runtimeConfig).toEqual(specPortmapRequest.runtimeConfig);
    expect(c.prevResult).toEqual(specBridgeResult);
    expect(toCurrentResult(c.prevResult, c.cniVersion)).toEqual({ cniVersion: "1.1.0", ...specBridgeResult });
  });

  it("a GC request carries cni.dev/valid-attachments", () => {
    const c = parseWith(netConfSchema, {
      cniVersion: "1.1.0", name: "dbnet", type: "bridge",
      [VALID_ATTACHMENTS_KEY]: [{ containerID: "abc", ifname: "eth0" }],
    });
    expect(c[VALID_ATTACHMENTS_KEY]).toEqual([{ containerID: "abc", ifname: "eth0" }]);
    expect(() => parseWith(netConfSchema, { type: "bridge", [VALID_ATTACHMENTS_KEY]: [{ containerID: "abc" }] })).toThrow(
      /\["cni\.dev\/valid-attachments"\]\[0\]\.ifname/,
    );
  });

  it("the VERSION example validates; a missing supportedVersions does not", () => {
    expect(parseWith(versionResultSchema, specVersionResult)).toEqual(specVersionResult);
    expect(() => parseWith(versionResultSchema, { cniVersion: "1.1.0" })).toThrow(/supportedVersions/);
  });

  it("the Error example validates and CniError prints the same shape", () => {
    expect(parseWith(errorResultSchema, specErrorResult)).toEqual(specErrorResult);
    const e = new CniError(specErrorResult.code, specErrorResult.msg, specErrorResult.details);
    expect(e.toJSON("1.1.0")).toEqual(specErrorResult);
    expect(parseWith(errorResultSchema, e.toJSON("1.1.0"))).toEqual(specErrorResult);
  });

  it("CniError's error object always has all four keys: details repeats msg when there is no longer text", () => {
    expect(new CniError(11, "busy").toJSON("0.4.0")).toEqual({ cniVersion: "0.4.0", code: 11, msg: "busy", details: "busy" });
    expect(new CniError(11, "busy", "").toJSON("1.1.0")).toEqual({ cniVersion: "1.1.0", code: 11, msg: "busy", details: "busy" });
  });
});
