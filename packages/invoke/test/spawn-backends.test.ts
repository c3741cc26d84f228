import { readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { execa } from "execa";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { fakePluginDir } from "./fake-plugins.js";
import { delegateScenarios, FAKE_PLUGINS, STARTERS, type Starter } from "./fixtures/delegate-scenarios.js";

const BUN = fileURLToPath(new URL("../../../node_modules/.bin/bun", import.meta.url));
const MAIN = fileURLToPath(new URL("./fixtures/delegate-scenarios-main.ts", import.meta.url));

let p: ReturnType<typeof fakePluginDir>;
beforeAll(() => {
  expect(process.env.HOME).toBeDefined(); // the exactEnv case checks it is not passed on
  p = fakePluginDir(FAKE_PLUGINS);
});
afterAll(() => p.remove());

const killed = (pidFile: string) => {
  const pid = Number(readFileSync(pidFile, "utf8"));
  expect(() => process.kill(pid, 0)).toThrow(); // the timed-out plugin was killed
};

function checkDelegate(r: Record<string, unknown>, dir: string): void {
  expect(r).toMatchObject({
    result: { ok: { cniVersion: "1.0.0", ips: [{ address: "10.1.0.5/24" }] } },
    stderrSeen: ["ADD\n"],
    error: { code: 11, message: "pool busy", details: "retry later" },
    timeout: { code: 11, message: expect.stringContaining("timed out after 200 ms") },
    crash: { code: 999, message: expect.stringMatching(/killed by SIGKILL with no error message$/), details: expect.stringMatching(/stderr: panic: boom$/) },
  });
  expect(readFileSync(`${dir}/echo.stdin`, "utf8")).toBe('{"x":1}');
  killed(`${dir}/hang.pid`);
}

function checkExec(r: Record<string, unknown>, dir: string, starter: Starter): void {
  expect(r).toMatchObject({
    txtbsy: { ok: `${dir}/arg0-${starter}` },
    result: { ok: { cniVersion: "1.0.0", ips: [{ address: "10.1.0.5/24" }] } },
    stderrSeen: ["ADD\n"],
    promisedStdin: { ok: { late: true } },
    rejectedStdin: { ok: { bytes: 0 } },
    exactEnv: { ok: { a: "1", home: "unset" } },
    unreadStdin: { ok: null },
    error: { code: 11, message: "pool busy", details: "retry later" },
    timeout: { code: 11, message: `plugin hang-${starter} timed out after 200 ms and was killed` },
    crash: { code: 999, message: expect.stringMatching(/killed by SIGKILL with no error message$/), details: expect.stringMatching(/stderr: panic: boom$/) },
    missing: { code: 5, message: `failed to exec plugin ${dir}/missing`, details: expect.stringContaining("ENOENT") },
    notDir: { code: 5, message: `failed to exec plugin ${dir}/arg0/x`, details: expect.stringContaining("ENOTDIR") },
    wrapper: { ok: `${dir}/arg0` },
    status: { ok: { stdout: "hi\n", stderr: "err\n", exitCode: 3, signal: null } },
  });
  expect(readFileSync(`${dir}/echo-${starter}.stdin`, "utf8")).toBe('{"x":1}');
  killed(`${dir}/hang-${starter}.pid`);
}

function check(r: Record<string, unknown>, dir: string): void {
  checkDelegate(r.delegate as Record<string, unknown>, dir);
  for (const starter of STARTERS) checkExec(r[starter] as Record<string, unknown>, dir, starter);
}

// The same answers whichever runtime and starter run the plugin.
describe("runPlugin and delegate on both runtimes, with execa and with the light spawn", () => {
  it("under Node (node:child_process)", async () => {
    const r = await delegateScenarios(p.dir);
    expect(r.bun).toBe(false);
    check(r, p.dir);
  });
  it("under Bun (execa over Bun's node:child_process; the light spawn is Bun.spawn), as the standalone plugins run", { timeout: 30_000 }, async () => {
    const { stdout } = await execa(BUN, ["--conditions=tscni-source", MAIN, p.dir], { timeout: 20_000 });
    const r = JSON.parse(stdout) as Record<string, unknown>;
    expect(r.bun).toBe(true);
    check(r, p.dir);
  });
});
