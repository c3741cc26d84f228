import { CRASH_SEED, FUZZ_RUNS, SOAK_SEED } from "../seeds.js";
import type { PluginName } from "./gen.js";
import { SIZES } from "./sizes.js";

/**
 * The seeds this run uses: the checked-in ones (../seeds.ts), unless the environment names
 * others, as `pnpm test:soak` does with fresh ones and as a replay does.
 *   THD_SEED (+ THD_FUZZ_FROM, THD_FUZZ_CASES)   fuzz: that seed's cases from..from+cases-1
 *   THD_CRASH_SEED, THD_SOAK_SEED               crash injection, churn soak
 */
export interface FuzzWindow {
  seed: number;
  from: number;
  cases: number;
}

const num = (name: string): number | undefined => {
  const v = process.env[name];
  if (v === undefined || v === "") return undefined;
  const n = Number(v);
  if (!Number.isSafeInteger(n) || n < 0) throw new Error(`${name}=${v}: expected a non-negative integer`);
  return n;
};

export function fuzzWindows(plugin: PluginName): FuzzWindow[] {
  const seed = num("THD_SEED");
  if (seed !== undefined) return [{ seed, from: num("THD_FUZZ_FROM") ?? 0, cases: SIZES.fuzzPerPlugin }];
  return FUZZ_RUNS.filter((r) => r.plugins.includes(plugin)).map(({ seed, from, cases }) => ({ seed, from, cases }));
}

export const crashSeed = (): number => num("THD_CRASH_SEED") ?? CRASH_SEED;
export const soakSeed = (): number => num("THD_SOAK_SEED") ?? SOAK_SEED;

const VITEST = "npx vitest run";

/** The command that runs exactly this fuzz case again (add THD_FUZZ_CASES=N for the N cases from there). */
export const fuzzReplay = (plugin: PluginName, seed: number, index: number): string =>
  `THD_SEED=${seed} THD_FUZZ_FROM=${index} THD_FUZZ_CASES=1 ${VITEST} test/hardening/fuzz.test.ts -t "fuzz ${plugin}"`;

/** Commands that replay a whole `pnpm test:soak` section with its seed. */
export const soakReplay = {
  fuzz: (seed: number) => `THD_SEED=${seed} TSCNI_SOAK=full ${VITEST} test/hardening/fuzz.test.ts`,
  crash: (seed: number) => `THD_CRASH_SEED=${seed} TSCNI_SOAK=full ${VITEST} test/hardening/crash.test.ts`,
  soak: (seed: number) => `THD_SOAK_SEED=${seed} TSCNI_SOAK=full ${VITEST} test/hardening/soak.test.ts`,
};
