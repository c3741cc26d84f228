// `pnpm test` gives the same verdict on every run of a commit (issue 11, item 15): with no
// THD_* or TSCNI_FC_SEED in the environment, every randomised test draws from the
// checked-in seeds, and nothing in the test command or CI sets those variables.
import { readFileSync } from "node:fs";
import { join } from "node:path";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { CRASH_SEED, FUZZ_RUNS, SOAK_SEED } from "./hardening/seeds.js";
import { crashSeed, fuzzWindows, soakSeed } from "./hardening/lib/run-seeds.js";

const ROOT = join(import.meta.dirname, "..");
const SEED_VARS = /\b(THD_SEED|THD_FUZZ_FROM|THD_FUZZ_CASES|THD_CRASH_SEED|THD_SOAK_SEED|TSCNI_FC_SEED|TSCNI_SOAK)\b/;

describe("fixed seeds in pnpm test", () => {
  it("the environment of this run names no seed (CI and the test script set none)", () => {
    for (const v of ["THD_SEED", "THD_CRASH_SEED", "THD_SOAK_SEED", "TSCNI_FC_SEED", "TSCNI_SOAK"]) expect(process.env[v], v).toBeUndefined();
    const pkg = JSON.parse(readFileSync(join(ROOT, "package.json"), "utf8")) as { scripts: Record<string, string> };
    expect(pkg.scripts.test).not.toMatch(SEED_VARS);
    expect(readFileSync(join(ROOT, ".ci/run"), "utf8")).not.toMatch(SEED_VARS);
  });

  it("fuzz, crash and soak take the checked-in seeds; every seed that found a bug is among them", () => {
    for (const plugin of ["loopback", "host-local", "bridge"] as const) {
      expect(fuzzWindows(plugin)).toEqual(FUZZ_RUNS.filter((r) => r.plugins.includes(plugin)).map(({ seed, from, cases }) => ({ seed, from, cases })));
    }
    expect(fuzzWindows("bridge").map((w) => w.seed)).toContain(1154963031);
    expect(crashSeed()).toBe(CRASH_SEED);
    expect(soakSeed()).toBe(SOAK_SEED);
  });

  it("property tests run with the one fixed fast-check seed", () => {
    expect(fc.readConfigureGlobal().seed).toBe(20261205);
  });
});
