// Every error path yields the spec's error JSON (and only it) on stdout with exit status 1.
import { describe, expect, it } from "vitest";
import { allModes, cniEnv, conf, runWithStdin, stdoutJson } from "./modes.js";

const modes = await allModes();

// Which variables each verb requires (SPEC.md "Parameters"; INIT/DEINIT per docs/lifecycle.md).
// CNI_PATH is none of them: only a plugin that finds delegates needs it.
const REQUIRED: Record<string, string[]> = {
  ADD: ["CNI_CONTAINERID", "CNI_NETNS", "CNI_IFNAME"],
  CHECK: ["CNI_CONTAINERID", "CNI_NETNS", "CNI_IFNAME"],
  DEL: ["CNI_CONTAINERID", "CNI_IFNAME"],
};

/** The spec's error object with all four keys, and nothing else, on stdout; exit status 1. */
function expectError(r: { exitCode: number | null; stdout: string }, code: number, cniVersion = "1.1.0") {
  expect(r.exitCode).toBe(1);
  // Exactly one JSON document on stdout.
  const body = stdoutJson(r) as Record<string, unknown>;
  expect(body).toMatchObject({ cniVersion, code, msg: expect.any(String), details: expect.any(String) });
  expect(Object.keys(body).sort()).toEqual(["cniVersion", "code", "details", "msg"]);
  expect((body.msg as string).length).toBeGreaterThan(0);
  expect((body.details as string).length).toBeGreaterThan(0);
  expect(r.stdout).not.toContain("    at ");
  return body as { code: number; msg: string; details: string };
}

describe.each(modes)("errors ($name)", (mode) => {
  for (const [verb, vars] of Object.entries(REQUIRED)) {
    for (const v of vars) {
      it(`${verb} without ${v}: code 4 naming it`, async () => {
        const r = await mode.run({ env: cniEnv(verb, { [v]: undefined }), stdin: conf() });
        expect(expectError(r, 4).msg).toContain(v);
      });
    }
  }

  for (const verb of ["ADD", "CHECK", "DEL", "STATUS", "GC", "INIT", "DEINIT"]) {
    it(`${verb} without CNI_PATH reaches the handler (a plugin that needs it says so)`, async () => {
      const prevResult = verb === "CHECK" ? { cniVersion: "1.1.0", interfaces: [{ name: "eth0" }] } : undefined;
      const r = await mode.run({ env: cniEnv(verb, { CNI_PATH: undefined }), stdin: conf("1.1.0", prevResult ? { prevResult } : {}) });
      expect(r.exitCode, r.stdout).toBe(0);
      expect(r.stderr).toContain(`"command":"${verb}"`);
      expect(r.stderr).toContain('"path":[]');
    });
  }

  it("missing CNI_COMMAND: code 4", async () => {
    const r = await mode.run({ env: cniEnv("", { CNI_COMMAND: undefined }), stdin: conf() });
    expect(expectError(r, 4).msg).toContain("CNI_COMMAND");
    if (mode.executable) expect(r.stderr).toContain("tscni fixture plugin");
  });

  it("unknown CNI_COMMAND: code 4", async () => {
    const r = await mode.run({ env: cniEnv("FROB"), stdin: conf() });
    expect(expectError(r, 4).msg).toContain("FROB");
  });

  for (const [what, stdin] of [["not JSON", "{not json"], ["empty", ""], ["a JSON array", "[1,2]"]] as const) {
    it(`stdin ${what}: code 6`, async () => {
      const r = await mode.run({ env: cniEnv("ADD"), stdin });
      expectError(r, 6);
    });
  }

  it("schema violation: code 7, msg naming the zod path, details every issue", async () => {
    const r = await mode.run({ env: cniEnv("ADD"), stdin: conf("1.1.0", { fixture: { failOn: "ADD" } }) });
    expect(expectError(r, 7).msg).toBe("invalid network config: fixture.failOn");
    expect(expectError(r, 7).details).toMatch(/^fixture\.failOn: expected array, got string "ADD"$/);
    const noType = await mode.run({ env: cniEnv("ADD"), stdin: { cniVersion: "1.1.0", name: "n" } });
    expect(expectError(noType, 7)).toMatchObject({ msg: "invalid network config: type", details: "type: required string is missing" });
    const deep = await mode.run({ env: cniEnv("DEL"), stdin: conf("1.1.0", { fixture: { failOn: ["ADD", "JUMP"] } }) });
    expect(expectError(deep, 7).msg).toContain("fixture.failOn[1]");
    const several = await mode.run({ env: cniEnv("ADD"), stdin: conf("1.1.0", { type: 3, fixture: { failOn: ["JUMP"], code: "x" } }) });
    const e = expectError(several, 7);
    expect(e.msg).toMatch(/^invalid network config: \S+ \(and 2 more\)$/);
    for (const key of ["type: ", "fixture.failOn[0]: ", "fixture.code: "]) expect(e.details).toContain(key);
  });

  it("incompatible version: code 1", async () => {
    const r = await mode.run({ env: cniEnv("ADD"), stdin: conf("9.9.9") });
    expectError(r, 1, "9.9.9");
  });

  it("thrown CniError: its code, msg and details, in the config's cniVersion", async () => {
    const fixture = { failOn: ["ADD"], failWith: "cni", code: 11, msg: "busy, retry", details: "lock held" };
    const r = await mode.run({ env: cniEnv("ADD"), stdin: conf("0.4.0", { fixture }) });
    expect(expectError(r, 11, "0.4.0")).toEqual({ cniVersion: "0.4.0", code: 11, msg: "busy, retry", details: "lock held" });
  });

  it("STATUS reports code 50 when unavailable", async () => {
    const fixture = { failOn: ["STATUS"], code: 50, msg: "no addresses left" };
    const r = await mode.run({ env: { CNI_COMMAND: "STATUS", CNI_PATH: "/x" }, stdin: conf("1.1.0", { fixture }) });
    // No longer text given: details repeats msg.
    expect(expectError(r, 50)).toMatchObject({ msg: "no addresses left", details: "no addresses left" });
  });

  it("plain Error: code 999 with its message; the stack goes to stderr, never stdout", async () => {
    const fixture = { failOn: ["DEL"], failWith: "error", msg: "disk on fire" };
    const r = await mode.run({ env: cniEnv("DEL"), stdin: conf("1.0.0", { fixture }) });
    expect(expectError(r, 999, "1.0.0")).toMatchObject({ msg: "disk on fire", details: "Error: disk on fire" });
    expect(r.stdout).not.toMatch(/\bat /);
    expect(r.stderr).toContain("disk on fire");
    expect(r.stderr).toMatch(/\n\s+at /);
  });

  it("INIT without a handler is code 4; with one it runs (fixture has one)", async () => {
    const r = await mode.run({ env: { CNI_COMMAND: "INIT", CNI_PATH: "/x" }, stdin: conf("1.1.0", { fixture: { failOn: ["INIT"], code: 7, msg: "bad" } }) });
    expect(expectError(r, 7).msg).toBe("bad");
  });

  if (mode.executable) {
    it("stdin that cannot be read: code 5, errno in details", async () => {
      const r = await runWithStdin(mode, "directory", cniEnv("ADD", { CNI_PATH: "/x" }) as Record<string, string>);
      expect(expectError(r, 5)).toMatchObject({ msg: "error reading from stdin", details: expect.stringMatching(/\[errno EISDIR \(21\), syscall read\]$/) });
    });

    it("a handler that never returns hangs the executable until the runtime kills it", async () => {
      const r = await mode.run({ env: cniEnv("ADD"), stdin: conf("1.1.0", { fixture: { failOn: ["ADD"], failWith: "hang" } }), timeoutMs: 1500 });
      expect(r.timedOut).toBe(true);
      expect(r.stdout).toBe("");
    });
  }
});
