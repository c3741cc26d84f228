// Every verb's success path, in-process and as built executables (standalone, node bundle under node and bun).
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { exec } from "@tscni/testing";
import { ALL_VERSIONS } from "@tscni/types";
import { allModes, cniEnv, conf, echoes, runWithStdin, stdoutJson } from "./modes.js";

const modes = await allModes();
const tmp = mkdtempSync(join(tmpdir(), "tb-sdk-"));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

const OUR_IF = { name: "eth0", mac: "02:00:00:00:00:01", sandbox: "/var/run/netns/tb-does-not-exist" };

describe.each(modes)("fixture plugin ($name)", (mode) => {
  // SPEC.md "VERSION": the answer's cniVersion is the one given on input; with none
  // (no stdin, not JSON, no string cniVersion) the highest the plugin supports.
  it.each([
    ["a supported version", { cniVersion: "1.1.0" }, "1.1.0"],
    ["an older version", { cniVersion: "0.3.1" }, "0.3.1"],
    ["the oldest", { cniVersion: "0.1.0" }, "0.1.0"],
    ["no stdin", undefined, "1.1.0"],
    ["garbage", "\u0000{not json", "1.1.0"],
    ["JSON without a string cniVersion", { cniVersion: 1 }, "1.1.0"],
    ["a config longer than one read (300 KiB)", { cniVersion: "0.4.0", pad: "x".repeat(300 * 1024) }, "0.4.0"],
  ])("VERSION given %s answers with that version and every supported one, needing no other env", async (_what, stdin, answer) => {
    const r = await mode.run({ env: { CNI_COMMAND: "VERSION" }, ...(stdin === undefined ? {} : { stdin }) });
    expect(r.exitCode).toBe(0);
    expect(stdoutJson(r)).toEqual({ cniVersion: answer, supportedVersions: [...ALL_VERSIONS] });
  });

  if (mode.executable) {
    it.each(["closed", "directory"] as const)("VERSION with stdin %s (unreadable) answers the highest version", async (how) => {
      const r = await runWithStdin(mode, how, { CNI_COMMAND: "VERSION" });
      expect(r.exitCode, r.stdout + r.stderr).toBe(0);
      expect(stdoutJson(r)).toEqual({ cniVersion: "1.1.0", supportedVersions: [...ALL_VERSIONS] });
    });

    it("VERSION reads a non-blocking stdin that is not ready yet (EAGAIN) to its end", async () => {
      // fd 0 is set O_NONBLOCK before the exec, and the config arrives 300 ms later.
      const script = 'import os, sys; os.set_blocking(0, False); os.execv(sys.argv[1], sys.argv[1:])';
      const r = await exec(["sh", "-c", '(sleep 0.3; echo \'{"cniVersion":"0.3.0"}\') | /usr/bin/python3 -c "$0" "$@"', script, ...mode.argv!], {
        env: { PATH: process.env.PATH, CNI_COMMAND: "VERSION" },
        timeoutMs: 20_000,
      });
      expect(r.exitCode, r.stdout + r.stderr).toBe(0);
      expect(stdoutJson(r)).toEqual({ cniVersion: "0.3.0", supportedVersions: [...ALL_VERSIONS] });
    });
  }

  it("ADD returns a 1.1.0 result derived from config, echoing the call", async () => {
    const r = await mode.run({
      env: cniEnv("ADD", { CNI_ARGS: "IgnoreUnknown=1;K8S_POD_NAME=web" }),
      stdin: conf("1.1.0", { fixture: { address: "10.7.0.9/16", gateway: "10.7.0.1" }, dns: { nameservers: ["10.7.0.53"] } }),
    });
    expect(r.exitCode).toBe(0);
    expect(stdoutJson(r)).toEqual({
      cniVersion: "1.1.0",
      interfaces: [OUR_IF],
      ips: [{ interface: 0, address: "10.7.0.9/16", gateway: "10.7.0.1" }],
      routes: [{ dst: "0.0.0.0/0", gw: "10.7.0.1" }],
      dns: { nameservers: ["10.7.0.53"] },
    });
    const [call] = echoes(r);
    expect(call).toMatchObject({
      command: "ADD",
      containerId: "ctr-0123",
      netns: "/var/run/netns/tb-does-not-exist",
      ifname: "eth0",
      args: [["IgnoreUnknown", "1"], ["K8S_POD_NAME", "web"]],
      path: ["/opt/cni/bin", "/usr/lib/cni"],
      name: "tb-net",
      hasPrevResult: false,
    });
  });

  it("ADD appends to prevResult (chained plugin)", async () => {
    const prevResult = {
      cniVersion: "1.1.0",
      interfaces: [{ name: "br0", mac: "02:00:00:00:00:aa" }],
      ips: [{ interface: 0, address: "10.9.0.2/24" }],
      routes: [{ dst: "10.50.0.0/16", gw: "10.9.0.1" }],
    };
    const r = await mode.run({ env: cniEnv("ADD"), stdin: conf("1.1.0", { prevResult }) });
    expect(r.exitCode).toBe(0);
    expect(stdoutJson(r)).toEqual({
      cniVersion: "1.1.0",
      interfaces: [{ name: "br0", mac: "02:00:00:00:00:aa" }, OUR_IF],
      ips: [
        { interface: 0, address: "10.9.0.2/24" },
        { interface: 1, address: "10.1.2.3/24", gateway: "10.1.2.1" },
      ],
      routes: [
        { dst: "10.50.0.0/16", gw: "10.9.0.1" },
        { dst: "0.0.0.0/0", gw: "10.1.2.1" },
      ],
    });
    expect(echoes(r)[0]).toMatchObject({ hasPrevResult: true });
  });

  for (const verb of ["DEL", "STATUS", "INIT", "DEINIT"]) {
    it(`${verb} succeeds with empty stdout and reaches the handler`, async () => {
      const env = verb === "DEL" ? cniEnv("DEL") : { CNI_COMMAND: verb, CNI_PATH: "/opt/cni/bin" };
      const r = await mode.run({ env, stdin: conf() });
      expect(r.exitCode).toBe(0);
      expect(r.stdout.trim()).toBe("");
      expect(echoes(r).map((c) => c.command)).toEqual([verb]);
    });
  }

  it("DEL without CNI_NETNS succeeds (the netns may be gone)", async () => {
    const r = await mode.run({ env: cniEnv("DEL", { CNI_NETNS: undefined }), stdin: conf() });
    expect(r.exitCode).toBe(0);
    expect(echoes(r)[0]).toMatchObject({ command: "DEL", netns: "" });
  });

  it("INIT runs without any container env", async () => {
    const r = await mode.run({ env: { CNI_COMMAND: "INIT", CNI_PATH: "/x" }, stdin: conf() });
    expect(r.exitCode).toBe(0);
    expect(echoes(r)[0]).toMatchObject({ command: "INIT", containerId: "", ifname: "", netns: "" });
  });

  it("GC passes cni.dev/valid-attachments to the handler", async () => {
    const valid = [{ containerID: "a1", ifname: "eth0" }, { containerID: "b2", ifname: "net1" }];
    const r = await mode.run({ env: { CNI_COMMAND: "GC", CNI_PATH: "/x" }, stdin: conf("1.1.0", { "cni.dev/valid-attachments": valid }) });
    expect(r.exitCode).toBe(0);
    expect(r.stdout.trim()).toBe("");
    expect(echoes(r)[0]).toMatchObject({ command: "GC", validAttachments: valid });
  });

  it("CHECK verifies against prevResult", async () => {
    const prevResult = { cniVersion: "1.1.0", interfaces: [{ name: "eth0" }], ips: [{ interface: 0, address: "10.1.2.3/24" }] };
    const ok = await mode.run({ env: cniEnv("CHECK"), stdin: conf("1.1.0", { prevResult }) });
    expect(ok.exitCode).toBe(0);
    expect(ok.stdout.trim()).toBe("");
    const other = await mode.run({ env: cniEnv("CHECK", { CNI_IFNAME: "net9" }), stdin: conf("1.1.0", { prevResult }) });
    expect(other.exitCode).toBe(1);
    expect(stdoutJson(other)).toMatchObject({ code: 999, msg: expect.stringContaining("net9") });
  });

  it("a chain of calls is recorded in order (recordFile)", async () => {
    const recordFile = join(tmp, `${mode.name}.jsonl`);
    for (const verb of ["INIT", "ADD", "CHECK", "DEL", "DEINIT"]) {
      const prevResult = verb === "CHECK" ? { cniVersion: "1.1.0", interfaces: [{ name: "eth0" }] } : undefined;
      const r = await mode.run({ env: cniEnv(verb), stdin: conf("1.1.0", { fixture: { recordFile }, ...(prevResult ? { prevResult } : {}) }) });
      expect(r.exitCode, r.stdout).toBe(0);
    }
    const lines = readFileSync(recordFile, "utf8").trim().split("\n").map((l) => JSON.parse(l).command);
    expect(lines).toEqual(["INIT", "ADD", "CHECK", "DEL", "DEINIT"]);
  });
});
