// An author's `npm test` without root stops before any test, saying why (the generated
// project's vitest.config.ts names this module as its globalSetup).
import { spawnSync } from "node:child_process";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import requireRoot, { hostProblems } from "../src/require-root.js";
import { nodeTs } from "../repo/index.js";

const MODULE = join(import.meta.dirname, "../src/require-root.ts");

/** Run the check in a child as another user (nobody), with a PATH of our choosing. */
function asNobody(path: string): { status: number | null; stdout: string; stderr: string } {
  const script = `import(${JSON.stringify(MODULE)}).then((m) => { try { m.default(); console.log("ok"); } catch (e) { console.log(e.message); process.exit(3); } })`;
  const r = spawnSync("/usr/bin/setpriv", ["--reuid=65534", "--regid=65534", "--clear-groups", ...nodeTs("-e", script)], {
    encoding: "utf8",
    env: { PATH: path, HOME: "/tmp" },
  });
  return { status: r.status, stdout: r.stdout, stderr: r.stderr };
}

describe("require-root", () => {
  it("passes here (root, Linux, ip and nsenter on PATH)", () => {
    expect(hostProblems()).toEqual([]);
    expect(() => requireRoot()).not.toThrow();
  });

  it("without root it stops with a message that says to run as root", () => {
    const r = asNobody(process.env.PATH ?? "");
    expect(r.status, r.stderr).toBe(3);
    expect(r.stdout).toContain("cannot run these tests here");
    expect(r.stdout).toContain("run them as root");
  });

  it("names the missing tools and their packages", () => {
    // A PATH with nothing on it: the child is started by its full path.
    const r = asNobody("/nonexistent");
    expect(r.status, r.stderr).toBe(3);
    expect(r.stdout).toContain("ip is not on PATH: install iproute2");
    expect(r.stdout).toContain("nsenter is not on PATH: install util-linux");
  });
});
