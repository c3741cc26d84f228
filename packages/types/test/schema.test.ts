import { describe, expect, it } from "vitest";
import * as z from "zod/mini";
import { CniError, netConfListSchema, netConfSchema, parseWith } from "../src/index.js";
import { caught as err } from "./catch.js";


// A plugin-style extension, as bridge/host-local build theirs.
const rangeSchema = z.object({ subnet: z.string(), gateway: z.optional(z.string()) });
const pluginSchema = z.extend(netConfSchema, {
  bridge: z.optional(z.string()),
  mtu: z.optional(z.int()),
  ipam: z.optional(z.looseObject({ type: z.optional(z.string()), ranges: z.optional(z.array(z.array(rangeSchema))) })),
});

describe("netConfSchema", () => {
  it("keeps unknown keys (loose) at the top level and in ipam/dns", () => {
    const c = parseWith(netConfSchema, {
      cniVersion: "1.1.0", name: "n", type: "bridge", bridge: "cni0", keyA: [1],
      ipam: { type: "host-local", subnet: "10.1.0.0/16" }, dns: { nameservers: ["10.1.0.1"], extra: true },
    });
    expect(c).toMatchObject({ bridge: "cni0", keyA: [1], ipam: { subnet: "10.1.0.0/16" }, dns: { extra: true } });
  });

  it("only type is required", () => {
    expect(parseWith(netConfSchema, { type: "loopback" })).toEqual({ type: "loopback" });
    const e = err(() => parseWith(netConfSchema, { name: "n" }, "network config"));
    expect(e.code).toBe(7);
    // msg: the first failing path; details: every issue with its text.
    expect(e.message).toBe("invalid network config: type");
    expect(e.details).toBe("type: required string is missing");
  });

  it("names the path and what was found for each violation", () => {
    const e = err(() =>
      parseWith(netConfSchema, { type: "x", cniVersion: 1, capabilities: { mac: "yes" }, runtimeConfig: [], ipam: { type: 3 } }),
    );
    expect(e.code).toBe(7);
    expect(e.message).toBe("invalid config: cniVersion (and 3 more)");
    expect(e.details).toContain("cniVersion: expected string, got number 1");
    expect(e.details).toContain("capabilities.mac: expected boolean, got string \"yes\"");
    expect(e.details).toContain("runtimeConfig: expected record, got array");
    expect(e.details).toContain("ipam.type: expected string, got number 3");
  });

  it("a non-object config is code 7 at the root", () => {
    const e = err(() => parseWith(netConfSchema, "x"));
    expect(e.message).toBe('invalid config: expected object, got string "x"');
    expect(e.details).toMatch(/\(root\): expected object/);
  });

  it("extended plugin schemas report nested paths like ipam.ranges[0][0].subnet", () => {
    const ok = parseWith(pluginSchema, { type: "bridge", bridge: "br0", ipam: { type: "host-local", ranges: [[{ subnet: "10.1.0.0/16" }]] } });
    expect(ok.bridge).toBe("br0");
    expect(ok.ipam?.ranges?.[0]?.[0]?.subnet).toBe("10.1.0.0/16");
    const e = err(() => parseWith(pluginSchema, { type: "bridge", mtu: 1.5, ipam: { ranges: [[{ subnet: "10.1.0.0/16" }, { gateway: "x" }], [{ subnet: 7 }]] } }, "bridge config"));
    expect(e.code).toBe(7);
    expect(e.message).toMatch(/^invalid bridge config: [\w.[\]]+ \(and 2 more\)$/);
    expect(e.details).toContain("ipam.ranges[0][1].subnet: required string is missing");
    expect(e.details).toContain("ipam.ranges[1][0].subnet: expected string, got number 7");
    expect(e.details).toContain("mtu: expected int");
  });

  it("parseWith returns the parsed value typed by the schema", () => {
    const c = parseWith(pluginSchema, { type: "bridge", mtu: 1400 });
    const mtu: number | undefined = c.mtu;
    expect(mtu).toBe(1400);
  });
});

describe("netConfListSchema", () => {
  it("requires name; plugins optional", () => {
    expect(parseWith(netConfListSchema, { name: "n" })).toEqual({ name: "n" });
    const e = err(() => parseWith(netConfListSchema, { plugins: [] }, "conflist"));
    expect(e.message).toBe("invalid conflist: name");
    expect(e.details).toContain("name: required string is missing");
  });

  it("accepts booleans and the strings true/false in any case (libcni's readBool)", () => {
    const l = parseWith(netConfListSchema, { name: "n", disableCheck: "TRUE", disableGC: false, loadOnlyInlinedPlugins: "False" });
    expect(l.disableCheck).toBe(true);
    expect(l.disableGC).toBe(false);
    expect(l.loadOnlyInlinedPlugins).toBe(false);
    expect(err(() => parseWith(netConfListSchema, { name: "n", disableGC: "yes" })).message).toMatch(/disableGC/);
    expect(err(() => parseWith(netConfListSchema, { name: "n", disableGC: 1 })).message).toMatch(/disableGC/);
  });

  it("each plugin entry needs a type; errors carry the index", () => {
    const e = err(() => parseWith(netConfListSchema, { name: "n", cniVersions: ["1.0.0", 2], plugins: [{ type: "bridge" }, { bridge: "x" }] }, "conflist"));
    expect(e.message).toBe("invalid conflist: cniVersions[1] (and 1 more)");
    expect(e.details).toContain("plugins[1].type: required string is missing");
    expect(e.details).toContain("cniVersions[1]: expected string, got number 2");
  });

  it("keeps unknown list-level keys", () => {
    expect(parseWith(netConfListSchema, { name: "n", comment: "hi" })).toEqual({ name: "n", comment: "hi" });
  });
});
