import type { PluginName } from "./lib/gen.js";

/**
 * Every seed `pnpm test` runs the hardening suite with: fixed, so the same commit gets the
 * same verdict on every run. `pnpm test:soak` draws fresh seeds and prints how to replay
 * each one; a seed that finds a bug joins this list (with the cases that found it) in the
 * commit that fixes the bug. Fuzz cases are numbered from 0 per seed and plugin; case i
 * is the same input whatever the run's size (test/hardening/README.md, "Seeds and replay").
 */

export interface FuzzRun {
  seed: number;
  plugins: readonly PluginName[];
  /** First case index and how many cases: a regression seed replays only the cases around its finding. */
  from: number;
  cases: number;
  /** What the seed found, and which case. */
  found: string;
}

const ALL: readonly PluginName[] = ["loopback", "host-local", "bridge"];

export const FUZZ_RUNS: readonly FuzzRun[] = [
  {
    seed: 1154963031,
    plugins: ALL,
    from: 0,
    cases: 400,
    found:
      "The CI-size run of every plugin. Bridge case 250 (issue 11, item 14): an ADD with CNI_ARGS \"\\0\" went " +
      "through the executable (the value ended at the NUL), its cleanup DEL ran in-process with the raw value, " +
      "failed to parse CNI_ARGS and left the veth and reservation (residue-after-cleanup).",
  },
  {
    seed: 20261128,
    plugins: ["bridge"],
    from: 330,
    cases: 10,
    found: "Full run: finding 3 (README), a layer-2 ADD (no ipam) without cniVersion left its veth; case 337.",
  },
  {
    seed: 20261128,
    plugins: ["bridge"],
    from: 3370,
    cases: 10,
    found: "Full run: finding 4, a 300-character container ID made the veth alias too long and left the veth; case 3370 (via the executable).",
  },
  {
    seed: 20261128,
    plugins: ["bridge"],
    from: 8270,
    cases: 10,
    found: "Full run: finding 4 again, 300-character container ID with an empty second range set; case 8272.",
  },
  {
    seed: 20261128,
    plugins: ["bridge"],
    from: 9230,
    cases: 10,
    found: "Full run: finding 3 again, a layer-2 ADD at cniVersion 0.1.0; case 9231.",
  },
  {
    seed: 543235497,
    plugins: ["bridge"],
    from: 5960,
    cases: 10,
    found:
      "Full run (root README): an ADD whose ipam.dataDir ends in \"a\\nb\" kept its empty data directory, which " +
      "the harness's one-line-per-entry file listing split in two and read as a leak (fixed in the harness); case 5965.",
  },
];

/** kill -9 points of crash.test.ts (which execs die, and after how long). */
export const CRASH_SEED = 20261205;

/** Kills and hold times of the churn soak (soak.test.ts). */
export const SOAK_SEED = 20261206;
