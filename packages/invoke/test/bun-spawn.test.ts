import { execFileSync } from "node:child_process";
import { readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { fakePluginDir } from "./fake-plugins.js";
import { delegateScenarios } from "./fixtures/delegate-scenarios.js";

const BUN = fileURLToPath(new URL("../../../node_modules/.bin/bun", import.meta.url));
const MAIN = fileURLToPath(new URL("./fixtures/delegate-scenarios-main.ts", import.meta.url));

let p: ReturnType<typeof fakePluginDir>;
beforeAll(() => {
  p = fakePluginDir({
    echo: `cat > "$0.stdin"; echo "$CNI_COMMAND" >&2; echo '{"cniVersion":"1.0.0","ips":[{"address":"10.1.0.5/24"}]}'`,
    bad: `echo '{"cniVersion":"1.0.0","code":11,"msg":"pool busy","details":"retry later"}'; exit 1`,
    // Long enough that only the kill can end it within the test's time limit.
    hang: `echo $$ > "$0.pid"; exec sleep 600`,
    crash: `echo "panic: boom" >&2; kill -9 $$`,
    arg0: `echo "$0"`,
    exit3: "echo hi; echo err >&2; exit 3",
  });
});
afterAll(() => p.remove());

function check(r: Record<string, unknown>, dir: string): void {
  expect(r).toMatchObject({
    result: { ok: { cniVersion: "1.0.0", ips: [{ address: "10.1.0.5/24" }] } },
    stderrSeen: ["ADD\n"],
    error: { code: 11, message: "pool busy", details: "retry later" },
    timeout: { code: 11, message: expect.stringContaining("timed out after 200 ms") },
    crash: { code: 999, message: expect.stringMatching(/killed by SIGKILL with no error message$/), details: expect.stringMatching(/stderr: panic: boom$/) },
    wrapper: { ok: `${dir}/arg0` },
    status: { ok: { stdout: "hi\n", stderr: "err\n", exitCode: 3, signal: null } },
  });
  expect(readFileSync(`${dir}/echo.stdin`, "utf8")).toBe('{"x":1}');
  const pid = Number(readFileSync(`${dir}/hang.pid`, "utf8"));
  expect(() => process.kill(pid, 0)).toThrow(); // the timed-out delegate was killed
}

// The same answers whichever spawn backend runs the delegate.
describe("delegate on both spawn backends", () => {
  it("under Node (node:child_process)", async () => {
    const r = await delegateScenarios(p.dir);
    expect(r.bun).toBe(false);
    check(r, p.dir);
  });
  it("under Bun (Bun.spawn), as the standalone plugins run", { timeout: 30_000 }, () => {
    const r = JSON.parse(execFileSync(BUN, [MAIN, p.dir], { encoding: "utf8", timeout: 20_000 })) as Record<string, unknown>;
    expect(r.bun).toBe(true);
    check(r, p.dir);
  });
});
