import { execFileSync } from "node:child_process";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import { runScenarios } from "./fixtures/run-scenarios.js";

const BUN = fileURLToPath(new URL("../../../node_modules/.bin/bun", import.meta.url));
const MAIN = fileURLToPath(new URL("./fixtures/run-scenarios-main.ts", import.meta.url));

// The same answers whichever spawn backend runs: Node's child_process or Bun.spawn.
const expected = {
  stdin: { ok: { stdout: "hello\nworld\n", stderr: "" } },
  bigStdin: { ok: "300000" },
  bigStdout: { ok: 300000 },
  noStdin: { ok: { stdout: "", stderr: "" } },
  lateStdin: { ok: { stdout: "late\n", stderr: "" } },
  rejectedStdin: { ok: { stdout: "", stderr: "" } },
  earlyExit: { failure: "other", exitCode: 3 },
  env: { ok: "C\n" },
  // msg: the command and the program's reason on one line; details: argv, exit status, all of stderr.
  notFound: {
    failure: "not-found", code: 999, exitCode: 2, stderr: 'Cannot find device "x"',
    msg: `sh -c ${JSON.stringify("echo 'Cannot find device \"x\"' >&2; exit 2")}: Cannot find device "x"`,
    details: `command: sh -c ${JSON.stringify("echo 'Cannot find device \"x\"' >&2; exit 2")}\nexit status 2\nstderr: Cannot find device "x"`,
  },
  exists: { failure: "exists", code: 999, exitCode: 2, stderr: "RTNETLINK answers: File exists", msg: expect.stringMatching(/: RTNETLINK answers: File exists$/) },
  missingBinary: { failure: "missing-binary", code: 50, exitCode: null, msg: "tscni-no-such-program: program not found", details: expect.stringMatching(/^command: tscni-no-such-program\nno exit status\nstderr: .+/) },
  signal: { failure: "other", code: 999, exitCode: null, stderr: "", msg: 'sh -c "kill -9 $$": killed by SIGKILL', details: 'command: sh -c "kill -9 $$"\nno exit status\nstderr: (empty)' },
  raw: { stdout: "out\n", stderr: "err\n", exitCode: 7, signal: null, timedOut: false },
  timeout: { exitCode: null, signal: "SIGKILL", timedOut: true },
};

describe("run() on both spawn backends", () => {
  it("under Node (node:child_process)", { timeout: 20_000 }, async () => {
    const r = await runScenarios();
    expect(r.bun).toBe(false);
    expect(r).toMatchObject(expected);
  });
  it("under Bun (Bun.spawn), as the standalone plugins run", { timeout: 30_000 }, () => {
    const r = JSON.parse(execFileSync(BUN, ["--conditions=tscni-source", MAIN], { encoding: "utf8", timeout: 20_000 })) as Record<string, unknown>;
    expect(r.bun).toBe(true);
    expect(r).toMatchObject(expected);
  });
});
