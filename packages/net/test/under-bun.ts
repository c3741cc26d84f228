// Runs a script under bun, the runtime of the standalone build, for the code paths that
// exist only there (bun:ffi: netlink, setns). Vitest itself runs on Node.
import { execFileSync } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll } from "vitest";
import { bunTs } from "@tscni/testing/repo";

// One dir per test file (this module is loaded per file), removed after its tests.
const dir = mkdtempSync(join(tmpdir(), "tn-bun-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
let n = 0;

/** Run `imports` + `body` (top-level await allowed) under bun inside netns `ns`; its stdout as JSON. */
export function underBun(ns: string, imports: string, body: string): any {
  const script = join(dir, `s${n++}.ts`);
  writeFileSync(script, `${imports}\n${body}\n`);
  return JSON.parse(execFileSync("ip", ["netns", "exec", ns, ...bunTs(script)], { encoding: "utf8" }));
}
