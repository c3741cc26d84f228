import { mkdtempSync, readdirSync, readFileSync, rmSync, statSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { createUnique } from "../src/index.js";

let dir: string;
beforeEach(() => (dir = mkdtempSync(join(tmpdir(), "tscni-state-"))));
afterEach(() => rmSync(dir, { recursive: true, force: true }));

describe("createUnique (exclusive files under fresh names, without node:crypto)", () => {
  it("creates a new file per call with the content, mode and stamp asked for", () => {
    const paths = new Set<string>();
    for (let i = 0; i < 200; i++) paths.add(createUnique(dir, ".t-", `c${i}`, { sync: false }));
    expect(paths.size).toBe(200);
    expect(readdirSync(dir).length).toBe(200);
    expect(readdirSync(dir).every((n) => n.startsWith(".t-"))).toBe(true);
    const p = createUnique(dir, "x-", "data", { mode: 0o640, stamp: 1_000_000_000.5 });
    expect(readFileSync(p, "utf8")).toBe("data");
    expect(statSync(p).mode & 0o777).toBe(0o640);
    expect(statSync(p).mtimeMs).toBe(1_000_000_000_500);
  });

  it("throws what open throws when the directory is missing", () => {
    expect(() => createUnique(`${dir}/missing`, ".t-", "x")).toThrow(/ENOENT/);
  });
});
