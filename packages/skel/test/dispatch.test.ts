import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import * as z from "zod/mini";
import { CniError, netConfSchema, type Result } from "@tscni/types";
import { dispatch, run, type Plugin } from "../src/index.js";

const schema = z.extend(netConfSchema, { mode: z.optional(z.enum(["ok", "cni", "cni-short", "plain", "multiline", "errno", "string"])) });
const seen: Record<string, unknown> = {};

const plugin: Plugin<typeof schema> = {
  about: "test plugin",
  versions: ["0.3.1", "0.4.0", "1.0.0", "1.1.0"],
  config: schema,
  add: (ctx) => {
    if (ctx.config.mode === "cni") throw new CniError(11, "busy", "retry");
    if (ctx.config.mode === "cni-short") throw new CniError(11, "busy");
    if (ctx.config.mode === "plain") throw new Error("kaboom");
    if (ctx.config.mode === "multiline") throw new RangeError("first line\nsecond line");
    if (ctx.config.mode === "errno") readFileSync("/nonexistent/tscni-dispatch-test");
    if (ctx.config.mode === "string") throw "thrown string"; // eslint-disable-line no-throw-literal
    seen.prev = ctx.prevResult;
    const r: Result = {
      cniVersion: "1.1.0",
      interfaces: [{ name: ctx.ifname, mac: "aa:bb:cc:dd:ee:ff", mtu: 1400, sandbox: ctx.netns }],
      ips: [{ address: "10.1.0.2/24", gateway: "10.1.0.1", interface: 0 }],
      routes: [{ dst: "0.0.0.0/0", gw: "10.1.0.1", table: 100 }],
    };
    return r;
  },
  del: (ctx) => void (seen.args = ctx.args),
  init: () => void (seen.init = true),
};

const base = { CNI_CONTAINERID: "c1", CNI_NETNS: "/nonexistent/netns", CNI_IFNAME: "eth0", CNI_PATH: "/opt/cni/bin" };
const conf = (v: string, extra: object = {}) => JSON.stringify({ cniVersion: v, name: "net1", type: "t", ...extra });
const call = (cmd: string, stdin: string, env: object = {}) => dispatch(plugin as Plugin, { env: { ...base, CNI_COMMAND: cmd, ...env }, stdin });

describe("dispatch", () => {
  it("answers VERSION with the cniVersion given on input (SPEC.md VERSION)", async () => {
    for (const v of ["1.1.0", "1.0.0", "0.3.1", "0.1.0"]) {
      const out = await dispatch(plugin as Plugin, { env: { CNI_COMMAND: "VERSION" }, stdin: JSON.stringify({ cniVersion: v }) });
      expect(out.exitCode).toBe(0);
      expect(JSON.parse(out.stdout)).toEqual({ cniVersion: v, supportedVersions: ["0.3.1", "0.4.0", "1.0.0", "1.1.0"] });
    }
  });

  it("answers VERSION with the highest supported version when the input gives none", async () => {
    // Listed out of order, and not up to CURRENT_VERSION: the highest is 1.0.0.
    const old: Plugin = { ...(plugin as Plugin), versions: ["0.4.0", "1.0.0", "0.3.1"] };
    const inputs = [undefined, "", "not json", "null", "[]", "{}", '{"cniVersion":""}', '{"cniVersion":1}', '"1.0.0"'];
    for (const stdin of inputs) {
      const out = await dispatch(old, { env: { CNI_COMMAND: "VERSION" }, ...(stdin === undefined ? {} : { stdin }) });
      expect({ stdin, exitCode: out.exitCode, json: JSON.parse(out.stdout) }).toEqual({ stdin, exitCode: 0, json: { cniVersion: "1.0.0", supportedVersions: ["0.4.0", "1.0.0", "0.3.1"] } });
    }
    // Stdin that cannot be read at all (closed, too large) is no input either.
    const unreadable = await run(old, { env: { CNI_COMMAND: "VERSION" }, stdin: () => { throw new CniError(5, "error reading from stdin"); }, stderr: () => {} });
    expect(JSON.parse(unreadable.stdout)).toEqual({ cniVersion: "1.0.0", supportedVersions: ["0.4.0", "1.0.0", "0.3.1"] });
    // A plugin without a list supports every version: the highest is the current one.
    const all = await dispatch({ config: netConfSchema, add: () => ({}), del: () => {} }, { env: { CNI_COMMAND: "VERSION" } });
    expect(JSON.parse(all.stdout).cniVersion).toBe("1.1.0");
  });

  it("converts the ADD result to the config's version", async () => {
    const v110 = JSON.parse((await call("ADD", conf("1.1.0"))).stdout);
    expect(v110.routes[0].table).toBe(100);
    expect(v110.interfaces[0].mtu).toBe(1400);
    const v100 = JSON.parse((await call("ADD", conf("1.0.0"))).stdout);
    expect(v100.cniVersion).toBe("1.0.0");
    expect(v100.routes[0].table).toBeUndefined();
    expect(v100.interfaces[0].mtu).toBeUndefined();
    const v031 = JSON.parse((await call("ADD", conf("0.3.1"))).stdout);
    expect(v031.ips[0]).toMatchObject({ version: "4", address: "10.1.0.2/24" });
  });

  it("hands prevResult to the handler in the current shape", async () => {
    const prev = { cniVersion: "0.4.0", ips: [{ version: "4", address: "10.9.0.5/16" }] };
    const out = await call("ADD", conf("0.4.0", { prevResult: prev }));
    expect(out.exitCode).toBe(0);
    expect(seen.prev).toMatchObject({ cniVersion: "1.1.0", ips: [{ address: "10.9.0.5/16" }] });
    expect((seen.prev as Result).ips![0]).not.toHaveProperty("version");
  });

  it.each([
    ["incompatible version", conf("0.2.0"), 1],
    ["CHECK below 0.4.0", conf("0.3.1"), 1],
    ["undecodable stdin", "{nope", 6],
    ["a JSON array", "[]", 6],
    ["missing name", JSON.stringify({ cniVersion: "1.1.0", type: "t" }), 7],
    ["bad name", conf("1.1.0", { name: "../x" }), 7],
  ])("maps %s to code %s", async (_what, stdin, code) => {
    const out = await call(stdin === conf("0.3.1") ? "CHECK" : "ADD", stdin);
    expect(out.exitCode).toBe(1);
    expect(JSON.parse(out.stdout).code).toBe(code);
  });

  it("reports schema violations with code 7: msg names the zod path, details every issue", async () => {
    const out = await call("ADD", conf("1.1.0", { mode: "weird" }));
    const err = JSON.parse(out.stdout);
    expect(err.code).toBe(7);
    expect(err.msg).toBe("invalid network config: mode");
    expect(err.details).toBe('mode: expected one of "ok", "cni", "cni-short", "plain", "multiline", "errno", "string", got string "weird"');
  });

  it("passes a thrown CniError through with its code and details", async () => {
    const out = await call("ADD", conf("1.1.0", { mode: "cni" }));
    expect(JSON.parse(out.stdout)).toEqual({ cniVersion: "1.1.0", code: 11, msg: "busy", details: "retry" });
  });

  it("a CniError without longer text: details repeats msg (all four keys, always)", async () => {
    const out = await call("ADD", conf("1.1.0", { mode: "cni-short" }));
    expect(JSON.parse(out.stdout)).toEqual({ cniVersion: "1.1.0", code: 11, msg: "busy", details: "busy" });
    // skel's own errors too
    const env = await dispatch(plugin as Plugin, { env: { CNI_COMMAND: "ADD" }, stdin: conf("1.1.0") });
    expect(JSON.parse(env.stdout)).toEqual({
      cniVersion: "1.1.0", code: 4, msg: "required env variables [CNI_CONTAINERID,CNI_NETNS,CNI_IFNAME] missing", details: "required env variables [CNI_CONTAINERID,CNI_NETNS,CNI_IFNAME] missing",
    });
    const arr = JSON.parse((await call("ADD", "[1]")).stdout);
    expect(arr).toEqual({ cniVersion: "1.1.0", code: 6, msg: "error decoding network config: not a JSON object", details: "stdin holds an array" });
  });

  it("turns any other throw into 999 with its name and message in details; stack on stderr only", async () => {
    const out = await call("ADD", conf("1.1.0", { mode: "plain" }));
    expect(JSON.parse(out.stdout)).toEqual({ cniVersion: "1.1.0", code: 999, msg: "kaboom", details: "Error: kaboom" });
    expect(out.stdout).not.toContain("at ");
    expect(out.stderr).toContain("kaboom");
    expect(out.stderr).toMatch(/\n\s+at /);
  });

  it("a multi-line message: msg is its first line, details all of it", async () => {
    const out = await call("ADD", conf("1.1.0", { mode: "multiline" }));
    expect(JSON.parse(out.stdout)).toEqual({ cniVersion: "1.1.0", code: 999, msg: "first line", details: "RangeError: first line\nsecond line" });
  });

  it("a Node errno error: details carry the errno code, syscall and path", async () => {
    const out = await call("ADD", conf("1.1.0", { mode: "errno" }));
    const err = JSON.parse(out.stdout);
    expect(err).toMatchObject({ code: 999, msg: "ENOENT: no such file or directory, open '/nonexistent/tscni-dispatch-test'" });
    expect(err.details).toMatch(/^Error: ENOENT: .* \[errno ENOENT \(2\), syscall open, path \/nonexistent\/tscni-dispatch-test\]$/);
    expect(out.stdout).not.toContain("    at ");
  });

  it("a thrown value that is not an Error still gives all four keys", async () => {
    const out = await call("ADD", conf("1.1.0", { mode: "string" }));
    expect(JSON.parse(out.stdout)).toEqual({ cniVersion: "1.1.0", code: 999, msg: "thrown string", details: "thrown string" });
  });

  it("gates STATUS and GC to 1.1.0 configs; missing handlers succeed", async () => {
    expect(JSON.parse((await call("STATUS", conf("1.0.0"))).stdout).code).toBe(1);
    const status = await call("STATUS", conf("1.1.0"));
    expect(status).toMatchObject({ exitCode: 0, stdout: "" });
    const gc = await call("GC", conf("1.1.0", { "cni.dev/valid-attachments": [] }));
    expect(gc).toMatchObject({ exitCode: 0, stdout: "" });
  });

  it("runs INIT when implemented and answers code 4 for DEINIT when not", async () => {
    expect(await call("INIT", conf("1.0.0"), { CNI_CONTAINERID: "", CNI_IFNAME: "" })).toMatchObject({ exitCode: 0, stdout: "" });
    expect(seen.init).toBe(true);
    const out = await call("DEINIT", conf("1.0.0"));
    expect(JSON.parse(out.stdout)).toMatchObject({ code: 4, msg: "DEINIT is not needed by this plugin", details: expect.stringContaining("no DEINIT handler") });
  });

  it("parses CNI_ARGS only when the handler reads them", async () => {
    expect((await call("DEL", conf("1.1.0"), { CNI_ARGS: "IP=10.0.0.9;K8S_POD_NAME=a" })).exitCode).toBe(0);
    expect(seen.args).toEqual([["IP", "10.0.0.9"], ["K8S_POD_NAME", "a"]]);
    const bad = await call("DEL", conf("1.1.0"), { CNI_ARGS: "novalue" });
    expect(JSON.parse(bad.stdout).code).toBe(4);
  });

  it("refuses the plugin's own netns as CNI_NETNS (code 8) unless overridden", async () => {
    const own = await call("ADD", conf("1.1.0"), { CNI_NETNS: "/proc/self/ns/net" });
    expect(JSON.parse(own.stdout).code).toBe(8);
    const overridden = await call("ADD", conf("1.1.0"), { CNI_NETNS: "/proc/self/ns/net", CNI_NETNS_OVERRIDE: "1" });
    expect(overridden.exitCode).toBe(0);
  });

  it("uses the config's cniVersion in error objects", async () => {
    const out = await call("ADD", conf("0.4.0", { mode: "cni" }));
    expect(JSON.parse(out.stdout).cniVersion).toBe("0.4.0");
  });
});

describe("ADD whose result cannot be given in the config's version", () => {
  it("answers the conversion error and undoes the ADD through the plugin's DEL", async () => {
    const calls: string[] = [];
    const l2only: Plugin = {
      config: netConfSchema,
      add: (ctx) => {
        calls.push(`ADD ${ctx.containerId}`);
        return { cniVersion: "1.1.0", interfaces: [{ name: "eth0", mac: "aa:bb:cc:dd:ee:01", sandbox: ctx.netns }] };
      },
      del: (ctx) => void calls.push(`${ctx.command} ${ctx.containerId}`),
    };
    const out = await dispatch(l2only, { env: { ...base, CNI_COMMAND: "ADD", CNI_ARGS: "not-a-pair" }, stdin: conf("0.2.0") });
    expect(out.exitCode).toBe(1);
    expect(JSON.parse(out.stdout)).toMatchObject({ code: 1, cniVersion: "0.2.0" });
    expect(calls).toEqual(["ADD c1", "DEL c1"]);
  });
});

describe("undoAdd", () => {
  it("replaces DEL as the undo of an ADD whose result cannot be given", async () => {
    const calls: string[] = [];
    const p: Plugin = {
      config: netConfSchema,
      add: () => ({ cniVersion: "1.1.0" }),
      del: () => void calls.push("DEL"),
      undoAdd: () => void calls.push("UNDO"),
    };
    const out = await dispatch(p, { env: { ...base, CNI_COMMAND: "ADD" }, stdin: conf("0.1.0") });
    expect(JSON.parse(out.stdout).code).toBe(1);
    expect(calls).toEqual(["UNDO"]);
  });
});
