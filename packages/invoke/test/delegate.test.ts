import { mkdtempSync, readFileSync, rmSync, mkdirSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { delegate, delegateAdd, delegateDel, findPlugin, ipamType, runPlugin, execPlugin, buildCniEnv } from "../src/index.js";
import { fakePluginDir } from "./fake-plugins.js";

const cleanups: Array<() => void> = [];
afterEach(() => {
  while (cleanups.length) cleanups.pop()!();
});
function plugins(scripts: Record<string, string>) {
  const p = fakePluginDir(scripts);
  cleanups.push(p.remove);
  return p.dir;
}

describe("findPlugin", () => {
  it("takes the first directory that has the plugin", () => {
    const a = plugins({ other: "exit 0" });
    const b = plugins({ ipam1: "exit 0" });
    const c = plugins({ ipam1: "exit 0" });
    expect(findPlugin("ipam1", [a, b, c])).toBe(join(b, "ipam1"));
  });
  it("names every directory searched when missing", () => {
    const a = plugins({});
    expect(() => findPlugin("nope", [a, "/does/not/exist"])).toThrow(new RegExp(`"nope" in path \\[${a} /does/not/exist\\]`));
  });
  it("rejects a type that is a path, and an empty CNI_PATH", () => {
    expect(() => findPlugin("../bin/sh", ["/bin"])).toThrowError(expect.objectContaining({ code: 7 }));
    expect(() => findPlugin("sh", [])).toThrowError(
      expect.objectContaining({ code: 4, message: 'CNI_PATH is required to find delegate plugin "sh" and is missing or empty' }),
    );
  });
  it("a delegate with CNI_PATH unset or empty: code 4 naming CNI_PATH, nothing run", async () => {
    for (const env of [{}, { CNI_PATH: "" }, { CNI_PATH: ":" }]) {
      await expect(delegate("ADD", "host-local", "{}", { env })).rejects.toMatchObject({ code: 4, message: expect.stringContaining("CNI_PATH") });
    }
  });
  it("skips directories (only regular files are plugins)", () => {
    const a = plugins({});
    mkdirSync(join(a, "x"));
    const b = plugins({ x: "exit 0" });
    expect(findPlugin("x", [a, b])).toBe(join(b, "x"));
  });
});

describe("ipamType", () => {
  it("code 7 when ipam or ipam.type is missing", () => {
    expect(() => ipamType({ type: "bridge" })).toThrowError(expect.objectContaining({ code: 7, message: expect.stringContaining("ipam") }));
    expect(() => ipamType({ ipam: {} })).toThrowError(expect.objectContaining({ code: 7, message: expect.stringContaining("ipam.type") }));
    expect(ipamType({ ipam: { type: "host-local" } })).toBe("host-local");
  });
});

describe("delegate", () => {
  it("overrides CNI_COMMAND, inherits the rest, passes stdin through, returns the result", async () => {
    const out = mkdtempSync(join(tmpdir(), "tr-ipam-out-"));
    cleanups.push(() => rmSync(out, { recursive: true, force: true }));
    const dir = plugins({
      fake: `env > ${out}/env; cat > ${out}/stdin; echo '{"cniVersion":"1.0.0","ips":[{"address":"10.1.0.5/24"}]}'`,
    });
    const env = { PATH: process.env.PATH, CNI_PATH: dir, CNI_COMMAND: "ADD", CNI_CONTAINERID: "c1", CNI_NETNS: "/x", CNI_IFNAME: "eth0", CNI_ARGS: "A=b", MY_VAR: "kept" };
    const stdin = '{"cniVersion":"1.0.0","name":"n","type":"bridge","ipam":{"type":"fake"}}';
    const result = await delegateAdd("fake", stdin, { env: { ...env, CNI_COMMAND: "ADD" } });
    expect(result).toEqual({ cniVersion: "1.0.0", ips: [{ address: "10.1.0.5/24" }] });
    expect(readFileSync(join(out, "stdin"), "utf8")).toBe(stdin);
    await delegate("CHECK", "fake", stdin, { env });
    const seen = readFileSync(join(out, "env"), "utf8");
    expect(seen).toContain("CNI_COMMAND=CHECK\n");
    for (const kv of ["CNI_CONTAINERID=c1", "CNI_NETNS=/x", "CNI_IFNAME=eth0", "CNI_ARGS=A=b", "MY_VAR=kept", `CNI_PATH=${dir}`]) expect(seen).toContain(`${kv}\n`);
  });

  it("propagates the delegate's error code, msg and details", async () => {
    const dir = plugins({ bad: `echo '{"cniVersion":"1.0.0","code":11,"msg":"pool busy","details":"retry later"}'; exit 1` });
    await expect(delegateDel("bad", "{}", { env: { CNI_PATH: dir } })).rejects.toMatchObject({ name: "CniError", code: 11, message: "pool busy", details: "retry later" });
  });

  it("reports a delegate that is not in CNI_PATH with the directories searched", async () => {
    const dir = plugins({});
    await expect(delegate("DEL", "host-local", "{}", { env: { CNI_PATH: `${dir}:/nowhere` } })).rejects.toThrow(`[${dir} /nowhere]`);
  });

  it("fails with code 11 and kills a delegate that exceeds the timeout", async () => {
    const out = mkdtempSync(join(tmpdir(), "tr-ipam-out-"));
    cleanups.push(() => rmSync(out, { recursive: true, force: true }));
    const dir = plugins({ hang: `echo $$ > ${out}/pid; exec sleep 30` });
    await expect(delegate("STATUS", "hang", "{}", { env: { CNI_PATH: dir }, timeoutMs: 200 })).rejects.toMatchObject({ code: 11, message: expect.stringContaining("timed out") });
    const pid = Number(readFileSync(join(out, "pid"), "utf8"));
    expect(() => process.kill(pid, 0)).toThrow(); // the hung delegate is gone
  });

  it("reports a delegate that crashed (signal, no output) with code 999 and its stderr", async () => {
    const dir = plugins({ crash: `echo "panic: boom" >&2; kill -9 $$` });
    await expect(delegate("GC", "crash", "{}", { env: { CNI_PATH: dir } })).rejects.toMatchObject({ code: 999, message: expect.stringMatching(/killed by SIGKILL with no error message$/), details: expect.stringMatching(/stderr: panic: boom$/) });
  });

  it("reports garbage on stdout as a decode failure", async () => {
    const dir = plugins({ junk: "echo not-json" });
    await expect(delegate("ADD", "junk", "{}", { env: { CNI_PATH: dir } })).rejects.toMatchObject({ code: 6 });
  });

  it("supports INIT and DEINIT like any verb (empty stdout = no result)", async () => {
    const dir = plugins({ quiet: 'test "$CNI_COMMAND" = INIT -o "$CNI_COMMAND" = DEINIT || exit 3' });
    expect(await delegate("INIT", "quiet", "{}", { env: { CNI_PATH: dir } })).toBeUndefined();
    expect(await delegate("DEINIT", "quiet", "{}", { env: { CNI_PATH: dir } })).toBeUndefined();
  });
});

describe("runPlugin / buildCniEnv", () => {
  it("runs through a wrapper program with the plugin path appended", async () => {
    const dir = plugins({ p: 'echo "{\\"arg0\\":\\"$0\\"}"' });
    const res = await execPlugin(join(dir, "p"), { env: {}, stdin: "", wrapper: ["/usr/bin/env", "-i"] });
    expect(res).toEqual({ arg0: join(dir, "p") });
  });
  it("drops inherited CNI_* vars a verb does not carry", () => {
    const env = buildCniEnv({ CNI_CONTAINERID: "leak", HOME: "/root" }, { command: "STATUS", path: ["/a", "/b"] });
    expect(env).toEqual({ HOME: "/root", CNI_COMMAND: "STATUS", CNI_PATH: "/a:/b" });
    const add = buildCniEnv({}, { command: "ADD", containerId: "c", netns: "/n", ifname: "eth0", args: [["K", "v"], ["IgnoreUnknown", "1"]], path: ["/a"] });
    expect(add.CNI_ARGS).toBe("K=v;IgnoreUnknown=1");
  });
  it("returns exit status and output without throwing", async () => {
    const dir = plugins({ p: "echo hi; echo err >&2; exit 3" });
    expect(await runPlugin(join(dir, "p"), { env: {}, stdin: "" })).toMatchObject({ stdout: "hi\n", stderr: "err\n", exitCode: 3 });
  });
});

describe("delegating to the Go host-local plugin", () => {
  it("ADD allocates from the range and DEL releases (store in a temp dataDir)", async () => {
    const data = mkdtempSync(join(tmpdir(), "tr-ipam-data-"));
    cleanups.push(() => rmSync(data, { recursive: true, force: true }));
    const conf = JSON.stringify({ cniVersion: "1.0.0", name: "trnet", type: "bridge", ipam: { type: "host-local", dataDir: data, ranges: [[{ subnet: "10.77.0.0/24" }]] } });
    const env = { PATH: process.env.PATH, CNI_PATH: "/usr/lib/cni", CNI_CONTAINERID: "ctr1", CNI_NETNS: "/var/run/netns/none", CNI_IFNAME: "eth0" };
    const result = await delegateAdd(ipamType(JSON.parse(conf)), conf, { env });
    expect(result.ips).toEqual([{ address: "10.77.0.2/24", gateway: "10.77.0.1" }]);
    expect(readFileSync(join(data, "trnet", "10.77.0.2"), "utf8")).toMatch(/^ctr1\s+eth0$/);
    await delegateDel("host-local", conf, { env });
    expect(() => readFileSync(join(data, "trnet", "10.77.0.2"))).toThrow();
  });
});
