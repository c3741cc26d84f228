import { mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { attachmentConfig, configDigest, gcConfig, loadNetwork, loadNetworks, networkConfig, parseConfList, VALID_ATTACHMENTS_KEY } from "../src/index.js";
import { World } from "./helpers/env.js";

let w: World;
afterEach(() => w?.remove());

describe("loading network configs", () => {
  it("orders .conflist files by name before single .conf/.json files; first file of a name wins", () => {
    w = new World();
    writeFileSync(join(w.conf, "20-b.conflist"), JSON.stringify({ cniVersion: "1.0.0", name: "b", plugins: [{ type: "fake-a" }] }));
    writeFileSync(join(w.conf, "10-a.conflist"), JSON.stringify({ cniVersion: "1.0.0", name: "a", plugins: [{ type: "fake-a" }] }));
    writeFileSync(join(w.conf, "05-dup.conf"), JSON.stringify({ cniVersion: "0.4.0", name: "a", type: "fake-b" }));
    writeFileSync(join(w.conf, "30-single.conf"), JSON.stringify({ cniVersion: "0.4.0", name: "single", type: "fake-b", extra: 1 }));
    writeFileSync(join(w.conf, "99-x.json"), JSON.stringify({ cniVersion: "0.4.0", name: "x", type: "fake-c" }));
    writeFileSync(join(w.conf, "ignored.txt"), "not a config");
    const { networks, errors } = loadNetworks(w.conf);
    expect(errors).toEqual([]);
    expect(networks.map((n) => n.name)).toEqual(["a", "b", "single", "x"]);
    expect(networks[0]!.plugins[0]!.type).toBe("fake-a"); // the .conflist, not 05-dup.conf
    const single = loadNetwork(w.conf, "single");
    expect(single).toMatchObject({ name: "single", cniVersion: "0.4.0", plugins: [{ type: "fake-b", extra: 1, name: "single" }] });
    expect(JSON.parse(single.bytes)).toEqual({ name: "single", cniVersion: "0.4.0", plugins: [{ cniVersion: "0.4.0", name: "single", type: "fake-b", extra: 1 }] });
  });

  it("adds NAME/*.conf plugins unless loadOnlyInlinedPlugins", () => {
    w = new World();
    writeFileSync(join(w.conf, "n.conflist"), JSON.stringify({ cniVersion: "1.0.0", name: "n", plugins: [{ type: "fake-a" }] }));
    writeFileSync(join(w.conf, "m.conflist"), JSON.stringify({ cniVersion: "1.0.0", name: "m", loadOnlyInlinedPlugins: true, plugins: [{ type: "fake-a" }] }));
    for (const n of ["n", "m"]) {
      mkdirSync(join(w.conf, n));
      writeFileSync(join(w.conf, n, "10-extra.conf"), JSON.stringify({ type: "fake-c" }));
    }
    expect(loadNetwork(w.conf, "n").plugins.map((p) => p.type)).toEqual(["fake-a", "fake-c"]);
    expect(loadNetwork(w.conf, "m").plugins.map((p) => p.type)).toEqual(["fake-a"]);
  });

  it("selects the highest cniVersions entry this runtime supports (1.1.0)", () => {
    expect(parseConfList(JSON.stringify({ name: "n", cniVersions: ["0.4.0", "1.1.0", "1.0.0", "2.0.0"], plugins: [{ type: "x" }] })).cniVersion).toBe("1.1.0");
    expect(parseConfList(JSON.stringify({ name: "n", cniVersion: "0.3.1", cniVersions: ["0.4.0"], plugins: [{ type: "x" }] })).cniVersion).toBe("0.4.0");
    expect(parseConfList(JSON.stringify({ name: "n", cniVersion: "1.0.0", plugins: [{ type: "x" }] })).cniVersion).toBe("1.0.0");
  });

  it("rejects bad configs with spec codes and the reason", () => {
    const bad = (o: unknown) => () => parseConfList(typeof o === "string" ? o : JSON.stringify(o), "f.conflist");
    expect(bad("{nope")).toThrowError(expect.objectContaining({ code: 6, message: expect.stringContaining("f.conflist: invalid JSON") }));
    expect(bad({ plugins: [{ type: "x" }] })).toThrowError(expect.objectContaining({ code: 7, message: "f.conflist: no name" }));
    expect(bad({ name: "n", plugins: [] })).toThrowError(expect.objectContaining({ code: 7, message: expect.stringContaining("no plugins") }));
    expect(bad({ name: "n", plugins: [{ type: "x" }, { nottype: 1 }] })).toThrowError(expect.objectContaining({ code: 7, message: "f.conflist: plugins[1]: missing 'type'" }));
    expect(bad({ name: "bad/name", plugins: [{ type: "x" }] })).toThrowError(expect.objectContaining({ code: 7 }));
    expect(bad({ name: "n", disableCheck: "maybe", plugins: [{ type: "x" }] })).toThrowError(expect.objectContaining({ code: 7, message: expect.stringContaining("disableCheck") }));
    expect(parseConfList(JSON.stringify({ name: "n", disableCheck: "TRUE", disableGC: true, plugins: [{ type: "x" }] }))).toMatchObject({ disableCheck: true, disableGC: true });
  });

  it("reports a broken file and keeps loading the others", () => {
    w = new World();
    writeFileSync(join(w.conf, "a.conflist"), "{");
    writeFileSync(join(w.conf, "b.conflist"), JSON.stringify({ cniVersion: "1.0.0", name: "b", plugins: [{ type: "x" }] }));
    const { networks, errors } = loadNetworks(w.conf);
    expect(networks.map((n) => n.name)).toEqual(["b"]);
    expect(errors).toEqual([{ file: join(w.conf, "a.conflist"), error: expect.objectContaining({ code: 6 }) }]);
    expect(() => loadNetwork(w.conf, "zzz")).toThrow(); // the broken file is reported, as libcni does
  });
});

describe("deriving each plugin's request config (SPEC section 3)", () => {
  const list = parseConfList(
    JSON.stringify({
      cniVersion: "1.1.0",
      name: "net1",
      plugins: [
        { type: "bridge", name: "ignored", cniVersion: "0.3.1", capabilities: { portMappings: true, ips: false }, runtimeConfig: { stale: 1 } },
        { type: "tuning" },
      ],
    }),
  );
  const [bridge, tuning] = list.plugins as [Record<string, unknown> & { type: string }, Record<string, unknown> & { type: string }];

  it("sets name and cniVersion from the list; runtimeConfig carries only declared, enabled capabilities", () => {
    const conf = attachmentConfig(list, bridge, { capabilityArgs: { portMappings: [{ hostPort: 8080 }], ips: ["10.0.0.9/24"], mac: "x" } });
    expect(conf).toMatchObject({ name: "net1", cniVersion: "1.1.0", runtimeConfig: { portMappings: [{ hostPort: 8080 }] } });
    expect(conf).not.toHaveProperty("prevResult");
    const noCaps = attachmentConfig(list, tuning, { capabilityArgs: { portMappings: [] }, prevResult: { cniVersion: "1.1.0", ips: [] } });
    expect(noCaps).not.toHaveProperty("runtimeConfig");
    expect(noCaps.prevResult).toEqual({ cniVersion: "1.1.0", ips: [] });
  });

  it("INIT/STATUS configs have no per-container data; GC carries valid-attachments", () => {
    expect(networkConfig(list, bridge)).not.toHaveProperty("runtimeConfig");
    const gc = gcConfig(list, tuning, [{ containerID: "c1", ifname: "eth0" }]);
    expect(gc[VALID_ATTACHMENTS_KEY]).toEqual([{ containerID: "c1", ifname: "eth0" }]);
    expect(gc).toMatchObject({ name: "net1", cniVersion: "1.1.0", type: "tuning" });
  });

  it("digest ignores key order and whitespace but not content", () => {
    const a = parseConfList('{"name":"n","cniVersion":"1.0.0","plugins":[{"type":"x","a":1,"b":2}]}');
    const b = parseConfList('{ "plugins": [ {"b":2, "a":1, "type":"x"} ], "cniVersion":"1.0.0", "name":"n" }');
    const c = parseConfList('{"name":"n","cniVersion":"1.0.0","plugins":[{"type":"x","a":1,"b":3}]}');
    expect(configDigest(a)).toBe(configDigest(b));
    expect(configDigest(a)).not.toBe(configDigest(c));
  });
});
