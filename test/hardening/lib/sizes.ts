// Suite sizes: CI runs the small set (whole suite well under 5 minutes on 2 cores);
// TSCNI_SOAK=full runs what the issue asks for (>= 10,000 fuzz cases per plugin, 10,000 churn cycles).
export const FULL = process.env.TSCNI_SOAK === "full";

const BASE = FULL
  ? { fuzzPerPlugin: 10_000, fuzzExecShare: 0.1, crashRounds: 40, churnCycles: 10_000, churnConcurrency: 16, churnCrashRate: 0.02 }
  : { fuzzPerPlugin: 400, fuzzExecShare: 0.1, crashRounds: 6, churnCycles: 300, churnConcurrency: 16, churnCrashRate: 0.03 };

/** Fuzz cases per plugin for a seed given by THD_SEED (lib/run-seeds.ts); THD_FUZZ_CASES overrides it. */
export const SIZES = { ...BASE, fuzzPerPlugin: Number(process.env.THD_FUZZ_CASES) || BASE.fuzzPerPlugin };

/** Per-test timeout: generous in full size (it is not timed), bounded in CI. */
export const TEST_TIMEOUT_MS = FULL || process.env.THD_FUZZ_CASES ? 6 * 3600_000 : 240_000;

/**
 * Netns/tmp prefix for one test file: "thd-" + this process's pid (fixed width: paths in fuzz
 * cases have the same length on every run) + the file's tag, so the
 * leftovers check of one run never sees the sandboxes of another run going on at the same time.
 */
export const prefixFor = (tag: string): string => `thd-${process.pid.toString(36).padStart(5, "0")}-${tag}`;
