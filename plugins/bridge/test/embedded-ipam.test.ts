import { chmodSync, existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { identityLine, identityOf, readIdentity } from "@tscni/state/identity";
import { createSandbox, runExecutable, type Sandbox } from "@tscni/testing";
import { distPath, REPO_ROOT } from "@tscni/testing/repo";
import { call, conf, hasLink, OUR_BIN, ports } from "./helpers.js";

// The bridge carries host-local because the build embeds it (its package.json "tscni.embed"), not by importing it.
const hostLocal = JSON.parse(readFileSync(join(REPO_ROOT, "plugins", "host-local", "package.json"), "utf8")) as { name: string; version: string };
const HOST_LOCAL_IDENTITY = identityOf(hostLocal.name, hostLocal.version);

let sb: Sandbox;
beforeEach(async () => (sb = await createSandbox({ prefix: "tbe-" })));
afterEach(async () => sb?.cleanup());

const reservations = () => {
  const d = join(sb.tmpDir, "ipam", "tbrnet");
  return existsSync(d) ? readdirSync(d).filter((f) => /^\d/.test(f)) : [];
};

/** A CNI_PATH dir whose `host-local` is a script ending in `identity`'s trailer. */
function ipamDir(name: string, body: string, identity: string): string {
  const dir = join(sb.tmpDir, name);
  mkdirSync(dir);
  const file = join(dir, "host-local");
  writeFileSync(file, `#!/bin/sh\n${body}\nexit $?${identityLine(identity)}`);
  chmodSync(file, 0o755);
  return dir;
}

/** Exec'ing it fails loudly: an ADD that works proves the bridge ran host-local in-process. */
const refusesExec = (identity: string) =>
  ipamDir("inproc", `echo '{"cniVersion":"1.1.0","code":999,"msg":"host-local was exec'"'"'d"}'\nexit 1`, identity);

describe("identity trailers", () => {
  it("every built host-local and bridge names its package and version", () => {
    expect(readIdentity(distPath("host-local"))).toBe(HOST_LOCAL_IDENTITY);
    expect(readIdentity(distPath("host-local", "node"))).toBe(HOST_LOCAL_IDENTITY);
    expect(readIdentity(distPath("bridge"))).toMatch(/^@tscni\/bridge@\d+\.\d+\.\d+/);
    expect(readIdentity("/usr/lib/cni/host-local")).toBeUndefined();
  });

  it("the about line (no CNI_COMMAND) names the same version as the identity", async () => {
    for (const name of ["bridge", "host-local", "loopback"]) {
      const version = readIdentity(distPath(name))!.split("@").pop();
      const r = await runExecutable(distPath(name), { env: {}, stdin: "", netns: sb.host.name });
      expect(r.stderr.split("\n")[0]).toBe(`tscni ${name} v${version}`);
    }
  });
});

describe("host-local of the same build runs in-process", () => {
  it("ADD, CHECK and DEL work without exec'ing it; the store is host-local's", async () => {
    const path = refusesExec(HOST_LOCAL_IDENTITY);
    const add = await runExecutable(OUR_BIN, {
      env: { CNI_COMMAND: "ADD", CNI_PATH: path, CNI_CONTAINERID: "ctr1", CNI_IFNAME: "eth0", CNI_NETNS: sb.container.path, TSCNI_TRACE: "1" },
      stdin: conf(sb),
      netns: sb.host.name,
    });
    expect(add.exitCode, add.stdout + add.stderr).toBe(0);
    expect((add.json as any).ips).toEqual([{ interface: 2, address: "10.88.0.2/24", gateway: "10.88.0.1" }]);
    expect(add.stderr).not.toContain("early IPAM exec started");
    expect(reservations()).toEqual(["10.88.0.2"]);
    expect(readFileSync(join(sb.tmpDir, "ipam", "tbrnet", "10.88.0.2"), "utf8")).toBe("ctr1\r\neth0");
    expect((await call(sb, "CHECK", { ...conf(sb), prevResult: add.json }, { path })).exitCode).toBe(0);
    const del = await call(sb, "DEL", conf(sb), { path });
    expect(del.exitCode, del.stdout).toBe(0);
    expect(reservations()).toEqual([]);
  });

  it("a failed ADD releases what the in-process IPAM reserved", async () => {
    const path = refusesExec(HOST_LOCAL_IDENTITY);
    // The container already has an eth0: the veth cannot be made, after IPAM answered.
    await sb.run(sb.container, ["ip", "link", "add", "eth0", "type", "veth", "peer", "name", "eth0peer"]);
    const r = await call(sb, "ADD", conf(sb), { path });
    expect(r.exitCode).toBe(1);
    expect((r.json as any).msg).toContain("already exists");
    expect(reservations()).toEqual([]);
    expect(await ports(sb)).toEqual([]);
  });

  it("INIT, STATUS, GC and DEINIT reach the in-process host-local too", async () => {
    const path = refusesExec(HOST_LOCAL_IDENTITY);
    expect((await call(sb, "INIT", conf(sb), { path })).exitCode).toBe(0);
    expect(existsSync(join(sb.tmpDir, "ipam", "tbrnet"))).toBe(true); // host-local's INIT prepared its store
    expect((await call(sb, "ADD", conf(sb), { path })).exitCode).toBe(0);
    expect((await call(sb, "STATUS", conf(sb), { path })).exitCode).toBe(0);
    const gc = await call(sb, "GC", { ...conf(sb), "cni.dev/valid-attachments": [] }, { path });
    expect(gc.exitCode, gc.stdout).toBe(0);
    expect(reservations()).toEqual([]);
    expect((await call(sb, "DEINIT", conf(sb), { path })).exitCode).toBe(0);
    // host-local's DEINIT removed its owner index; the store keeps last_reserved_ip.N (Go writes it too).
    expect(existsSync(join(sb.tmpDir, "ipam", "tbrnet", ".tscni-index"))).toBe(false);
  });
});

describe("any other host-local file is exec'd", () => {
  it("another version of ours: exec'd, as the spec says", async () => {
    const log = join(sb.tmpDir, "calls");
    const path = ipamDir("other", `echo "$CNI_COMMAND" >> ${log}\n${distPath("host-local")}`, "@tscni/host-local@0.0.0-other");
    expect((await call(sb, "ADD", conf(sb), { path })).exitCode).toBe(0);
    expect((await call(sb, "DEL", conf(sb), { path })).exitCode).toBe(0);
    expect(readFileSync(log, "utf8").trim().split("\n")).toEqual(["ADD", "DEL"]);
    expect(reservations()).toEqual([]);
  });

  it("the trailer is honoured only on the file CNI_PATH finds first", async () => {
    const path = `${refusesExec("@tscni/host-local@0.0.0-other")}:${join(distPath("host-local"), "..")}`;
    const r = await call(sb, "ADD", conf(sb), { path });
    expect(r.exitCode).toBe(1);
    expect((r.json as any).msg).toContain("was exec'd");
    expect(reservations()).toEqual([]);
    expect(await hasLink(sb, sb.container, "eth0")).toBe(false);
  });
});
