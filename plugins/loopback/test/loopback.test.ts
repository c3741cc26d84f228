import { spawn } from "node:child_process";
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createSandbox, isLinkUp, runExecutable, type Sandbox } from "@tscni/testing";
import { distPath, testedTargets } from "@tscni/testing/repo";

const targets = testedTargets().map((t) => [t, distPath("loopback", t)] as const);
const GO = "/usr/lib/cni/loopback";

let sb: Sandbox;
beforeAll(async () => (sb = await createSandbox({ prefix: "tl-" })));
afterAll(async () => sb?.cleanup());

const conf = (cniVersion: string, extra: object = {}) => ({ cniVersion, name: "lo-net", type: "loopback", ...extra });

async function call(bin: string, command: string, netns: string, stdin: object, extraEnv: Record<string, string> = {}) {
  const env = { CNI_COMMAND: command, CNI_CONTAINERID: "ctr1", CNI_NETNS: netns, CNI_IFNAME: "eth0", CNI_PATH: "/usr/lib/cni", ...extraEnv };
  // Plugins always run inside the throwaway host netns, never in the machine's own.
  return runExecutable(bin, { env, stdin, netns: sb.host.name });
}

describe.each(targets)("loopback (%s)", (_target, bin) => {
  it("ADD brings lo up and reports its addresses (1.1.0)", async () => {
    const ns = await sb.addNetns("add");
    await sb.run(ns, ["ip", "link", "set", "lo", "down"]);
    const r = await call(bin, "ADD", ns.path, conf("1.1.0"));
    expect(r.exitCode).toBe(0);
    expect(r.json).toEqual({
      cniVersion: "1.1.0",
      interfaces: [{ name: "lo", mac: "00:00:00:00:00:00", sandbox: ns.path }],
      ips: [
        { interface: 0, address: "127.0.0.1/8" },
        { interface: 0, address: "::1/128" },
      ],
    });
    expect(await isLinkUp(ns, "lo")).toBe(true);
  });

  it.each(["1.0.0", "0.4.0", "0.3.1", "0.3.0"])("ADD answers in the shape of %s", async (v) => {
    const ns = await sb.addNetns("ver");
    const r = await call(bin, "ADD", ns.path, conf(v));
    expect(r.exitCode).toBe(0);
    const res = r.json as { cniVersion: string; ips: Array<Record<string, unknown>> };
    expect(res.cniVersion).toBe(v);
    expect(res.ips.map((i) => i.address)).toEqual(["127.0.0.1/8", "::1/128"]);
    if (v.startsWith("0.")) expect(res.ips.map((i) => i.version)).toEqual(["4", "6"]);
    else expect(res.ips[0]).not.toHaveProperty("version");
  });

  it("ADD answers a 0.2.0 config with the 0.2.0 shape", async () => {
    const ns = await sb.addNetns("v020");
    const r = await call(bin, "ADD", ns.path, conf("0.2.0"));
    expect(r.exitCode).toBe(0);
    expect(r.json).toEqual({ cniVersion: "0.2.0", ip4: { ip: "127.0.0.1/8" }, ip6: { ip: "::1/128" } });
  });

  // Go v1.1.1 adds an empty "dns" and, for 0.3.x, leaves out the "version" of each ip that
  // the 0.3.x spec requires; we follow the spec there and match everything else.
  it("matches the Go reference result (1.0.0 and 0.3.1), apart from Go's spec deviations", async () => {
    for (const v of ["1.0.0", "0.3.1"]) {
      const ns = await sb.addNetns("parity");
      const ours = (await call(bin, "ADD", ns.path, conf(v))).json as { ips: Array<Record<string, unknown>> };
      const go = (await call(GO, "ADD", ns.path, conf(v))).json as Record<string, unknown>;
      const { dns: _dns, ...goResult } = go;
      const oursComparable = { ...ours, ips: ours.ips.map(({ version: _v, ...ip }) => ip) };
      expect(oursComparable).toEqual(goResult);
    }
  });

  it("reports only 127.0.0.1 when IPv6 is disabled in the container", async () => {
    const ns = await sb.addNetns("nov6");
    await sb.run(ns, ["sysctl", "-q", "-w", "net.ipv6.conf.all.disable_ipv6=1"]);
    await sb.run(ns, ["sysctl", "-q", "-w", "net.ipv6.conf.lo.disable_ipv6=1"]);
    const r = await call(bin, "ADD", ns.path, conf("1.1.0"));
    expect((r.json as { ips: unknown[] }).ips).toEqual([{ interface: 0, address: "127.0.0.1/8" }]);
  });

  it("refuses an lo that carries a non-loopback address, as Go does", async () => {
    const ns = await sb.addNetns("odd");
    await sb.run(ns, ["ip", "addr", "add", "10.9.8.7/32", "dev", "lo"]);
    const r = await call(bin, "ADD", ns.path, conf("1.1.0"));
    expect(r.exitCode).toBe(1);
    expect((r.json as { msg: string }).msg).toBe('loopback interface found with non-loopback address "10.9.8.7"');
  });

  it("passes prevResult through in a chain", async () => {
    const ns = await sb.addNetns("chain");
    const prevResult = { cniVersion: "1.0.0", interfaces: [{ name: "eth0", mac: "0a:58:0a:01:00:02", sandbox: ns.path }], ips: [{ address: "10.1.0.2/24", gateway: "10.1.0.1", interface: 0 }] };
    const r = await call(bin, "ADD", ns.path, conf("1.0.0", { prevResult }));
    expect(r.json).toEqual(prevResult);
    expect(await isLinkUp(ns, "lo")).toBe(true);
  });

  it("works with a /proc/PID/ns/net path", async () => {
    const ns = await sb.addNetns("proc");
    await sb.run(ns, ["ip", "link", "set", "lo", "down"]);
    const sleeper = spawn("ip", ["netns", "exec", ns.name, "sleep", "30"], { stdio: "ignore" });
    try {
      await new Promise((r) => setTimeout(r, 150));
      const r = await call(bin, "ADD", `/proc/${sleeper.pid}/ns/net`, conf("1.1.0"));
      expect(r.exitCode).toBe(0);
      expect(await isLinkUp(ns, "lo")).toBe(true);
    } finally {
      sleeper.kill("SIGKILL");
    }
  });

  it("CHECK passes when lo is up and fails when it is down", async () => {
    const ns = await sb.addNetns("check");
    expect((await call(bin, "ADD", ns.path, conf("1.1.0"))).exitCode).toBe(0);
    expect((await call(bin, "CHECK", ns.path, conf("1.1.0"))).exitCode).toBe(0);
    await sb.run(ns, ["ip", "link", "set", "lo", "down"]);
    const bad = await call(bin, "CHECK", ns.path, conf("1.1.0"));
    expect(bad.exitCode).toBe(1);
    expect((bad.json as { msg: string }).msg).toContain("down");
  });

  it("DEL sets lo down, and succeeds when the netns is gone or not given", async () => {
    const ns = await sb.addNetns("del");
    await call(bin, "ADD", ns.path, conf("1.1.0"));
    expect((await call(bin, "DEL", ns.path, conf("1.1.0"))).exitCode).toBe(0);
    expect(await isLinkUp(ns, "lo")).toBe(false);
    expect((await call(bin, "DEL", "/var/run/netns/tl-does-not-exist", conf("1.1.0"))).exitCode).toBe(0);
    expect((await call(bin, "DEL", "", conf("1.1.0"))).exitCode).toBe(0);
  });

  it("STATUS, GC, INIT and DEINIT succeed with nothing to do", async () => {
    for (const cmd of ["STATUS", "GC", "INIT", "DEINIT"]) {
      const stdin = cmd === "GC" ? conf("1.1.0", { "cni.dev/valid-attachments": [] }) : conf("1.1.0");
      const r = await call(bin, cmd, "", stdin, { CNI_CONTAINERID: "", CNI_IFNAME: "" });
      expect({ cmd, exitCode: r.exitCode, stdout: r.stdout.trim() }).toEqual({ cmd, exitCode: 0, stdout: "" });
    }
  });

  it("ADD refuses a missing netns and a file that is not a netns with code 8", async () => {
    const missing = await call(bin, "ADD", "/var/run/netns/tl-missing", conf("1.1.0"));
    expect(missing.exitCode).toBe(1);
    expect((missing.json as { code: number }).code).toBe(8);
    const file = join(sb.tmpDir, "plain-file");
    writeFileSync(file, "x");
    const notNs = await call(bin, "ADD", file, conf("1.1.0"));
    expect((notNs.json as { code: number }).code).toBe(8);
  });
});
