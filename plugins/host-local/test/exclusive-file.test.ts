import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { readdirSync, readFileSync, statSync } from "node:fs";
import { writeExclusive } from "../src/index.js";
import { rmrf, tempDir } from "./helpers.js";

let dir: string;
beforeEach(() => {
  dir = tempDir();
});
afterEach(() => rmrf(dir));

describe("writeExclusive (temp files without node:crypto)", () => {
  it("creates a new file per call with the content, mode and stamp asked for", () => {
    const paths = new Set<string>();
    for (let i = 0; i < 200; i++) paths.add(writeExclusive(dir, ".t-", `c${i}`));
    expect(paths.size).toBe(200);
    expect(readdirSync(dir).length).toBe(200);
    expect(readdirSync(dir).every((n) => n.startsWith(".t-"))).toBe(true);
    const p = writeExclusive(dir, "x-", "data", { mode: 0o640, sync: true, stamp: 1_000_000_000.5 });
    expect(readFileSync(p, "utf8")).toBe("data");
    expect(statSync(p).mode & 0o777).toBe(0o640);
    expect(statSync(p).mtimeMs).toBe(1_000_000_000_500);
  });

  it("throws what open throws when the directory is missing", () => {
    expect(() => writeExclusive(`${dir}/missing`, ".t-", "x")).toThrow(/ENOENT/);
  });
});
