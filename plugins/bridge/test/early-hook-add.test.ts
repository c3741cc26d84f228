import { chmodSync, existsSync, readdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { createSandbox, runExecutable, type Sandbox } from "@tscni/testing";
import { distPath } from "@tscni/testing/repo";
import { call, CNI_PATH, conf, OUR_BIN, ports } from "./helpers.js";

let sb: Sandbox;
beforeEach(async () => (sb = await createSandbox({ prefix: "tbp-" })));
afterEach(async () => sb?.cleanup());

/**
 * An IPAM plugin that runs our host-local and then logs the verb, so the log shows which
 * IPAM calls had finished when the bridge exited (an unreleased early ADD would finish
 * after it, or never be followed by its DEL).
 */
function loggingIpam(): { cfg: Record<string, unknown>; path: string; calls: () => string[] } {
  const log = join(sb.tmpDir, "ipam-calls");
  const script = join(sb.tmpDir, "tbp-ipam");
  writeFileSync(script, `#!/bin/sh\n${distPath("host-local")}\nrc=$?\necho "$CNI_COMMAND" >> ${log}\nexit $rc\n`);
  chmodSync(script, 0o755);
  const cfg = conf(sb);
  (cfg.ipam as Record<string, unknown>).type = "tbp-ipam";
  return { cfg, path: `${sb.tmpDir}:${CNI_PATH}`, calls: () => (existsSync(log) ? readFileSync(log, "utf8").trim().split("\n") : []) };
}

const reservations = () => {
  const d = join(sb.tmpDir, "ipam", "tbrnet");
  return existsSync(d) ? readdirSync(d).filter((f) => /^\d/.test(f) && !f.startsWith("last")) : [];
};

// skel's early hook (early.ts) starts ADD's IPAM exec before the plugin's modules load; a
// call that fails before add() claims it must still leave no reservation behind: skel
// releases unclaimed early work. (Our own host-local runs in-process, see
// embedded-ipam.test.ts, so these use a wrapper script.)
describe("IPAM ADD started by the early hook", () => {
  it("is the one add() uses: one reservation, started before the plugin loaded", async () => {
    const ipam = loggingIpam();
    const r = await runExecutable(OUR_BIN, {
      env: { CNI_COMMAND: "ADD", CNI_PATH: ipam.path, CNI_CONTAINERID: "ctr1", CNI_IFNAME: "eth0", CNI_NETNS: sb.container.path, TSCNI_TRACE: "1" },
      stdin: ipam.cfg,
      netns: sb.host.name,
    });
    expect(r.exitCode, r.stdout + r.stderr).toBe(0);
    expect((r.json as any).ips).toEqual([{ interface: 2, address: "10.88.0.2/24", gateway: "10.88.0.1" }]);
    expect(reservations()).toEqual(["10.88.0.2"]);
    const lines = r.stderr.split("\n");
    const early = lines.findIndex((l) => l.includes("early IPAM exec started"));
    expect(early).toBeGreaterThanOrEqual(0);
    expect(early).toBeLessThan(lines.findIndex((l) => l.includes("plugin loaded")));
    expect((await call(sb, "DEL", ipam.cfg, { path: ipam.path })).exitCode).toBe(0);
    expect(ipam.calls()).toEqual(["ADD", "DEL"]);
    expect(reservations()).toEqual([]);
  });

  it("config rejected by the schema: error, reservation released before exit", async () => {
    const ipam = loggingIpam();
    const r = await call(sb, "ADD", { ...ipam.cfg, mtu: "big" }, { path: ipam.path });
    expect(r.exitCode).toBe(1);
    expect((r.json as any).code).toBe(7);
    expect(ipam.calls()).toEqual(["ADD", "DEL"]);
    expect(reservations()).toEqual([]);
  });

  it("config rejected by add() (hairpin with promisc): error, reservation released before exit", async () => {
    const ipam = loggingIpam();
    const r = await call(sb, "ADD", { ...ipam.cfg, hairpinMode: true, promiscMode: true }, { path: ipam.path });
    expect(r.exitCode).toBe(1);
    expect((r.json as any).msg).toContain("hairpin");
    expect(ipam.calls()).toEqual(["ADD", "DEL"]);
    expect(reservations()).toEqual([]);
    expect(await ports(sb)).toEqual([]);
  });

  it("CNI_NETNS is not a netns (add() refuses after IPAM succeeded): reservation released before exit", async () => {
    const ipam = loggingIpam();
    const notNetns = join(sb.tmpDir, "not-a-netns");
    writeFileSync(notNetns, "");
    const r = await call(sb, "ADD", ipam.cfg, { netns: notNetns, path: ipam.path });
    expect(r.exitCode).toBe(1);
    expect((r.json as any).msg).toContain("not a network namespace");
    expect(ipam.calls()).toEqual(["ADD", "DEL"]);
    expect(reservations()).toEqual([]);
  });

  it("a successful ADD takes the early exec: one IPAM call", async () => {
    const ipam = loggingIpam();
    const r = await call(sb, "ADD", ipam.cfg, { path: ipam.path });
    expect(r.exitCode, r.stdout + r.stderr).toBe(0);
    expect(ipam.calls()).toEqual(["ADD"]);
    expect(reservations()).toEqual(["10.88.0.2"]);
  });
});
