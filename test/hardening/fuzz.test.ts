import { mkdirSync, symlinkSync } from "node:fs";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { distPath, leftovers, withSandbox } from "@tscni/testing";
import type { PluginName } from "./lib/gen.js";
import { writeSection } from "./lib/report.js";
import { SIZES, TEST_TIMEOUT_MS, prefixFor } from "./lib/sizes.js";
import { runWorker } from "./lib/worker.js";
import type { FuzzSummary } from "./fuzz-worker.js";

const PREFIX = prefixFor("fz");
const SEED = Number(process.env.THD_SEED ?? Date.now() % 2 ** 31);

afterAll(() => {
  expect(leftovers(PREFIX)).toEqual({ netns: [], mounts: [], tmpDirs: [] });
});

describe.each<PluginName>(["loopback", "host-local", "bridge"])("fuzz %s (seed from THD_SEED)", (plugin) => {
  it(
    `${SIZES.fuzzPerPlugin} random and mutated configs and CNI_* env: valid result or spec error, no host change after errors`,
    async () => {
      const sum = await withSandbox({ prefix: PREFIX, containers: 1 }, async (sb) => {
        const pluginDir = join(sb.tmpDir, "bin");
        mkdirSync(pluginDir);
        symlinkSync(distPath("host-local"), join(pluginDir, "host-local"));
        return runWorker<FuzzSummary>(
          sb.host.name,
          "fuzz-worker.ts",
          {
            plugin,
            cases: SIZES.fuzzPerPlugin,
            seed: SEED,
            execShare: SIZES.fuzzExecShare,
            executable: distPath(plugin),
            world: { work: join(sb.tmpDir, "work"), pluginDir, containerNetns: sb.container.path },
            containerNs: sb.container.name,
          },
          TEST_TIMEOUT_MS,
        );
      });
      writeSection({
        section: `fuzz-${plugin}`,
        cases: sum.cases,
        faults: 0,
        leaks: sum.changedAfterError + sum.residue,
        details: { seed: sum.seed, inProcess: sum.inProcess, executable: sum.executable, skipped: sum.skipped, succeeded: sum.succeeded, codes: sum.codes, violations: sum.violations, sharedAfterError: sum.sharedAfterError, knownBugs: sum.knownBugs, internal: sum.internal, changedAfterSuccess: sum.changedAfterSuccess },
      });
      const findings = sum.findings.map((f) => `${f.kind}: ${f.detail}\n  env=${JSON.stringify(f.env)}\n  stdin=${f.stdin.slice(0, 600)}\n  stdout=${f.stdout.slice(0, 300)}`);
      expect(sum.cases, "cases run").toBeGreaterThanOrEqual(SIZES.fuzzPerPlugin * 0.95);
      expect(sum.executable, "some cases through the real executable").toBeGreaterThan(0);
      // Network-level state left by a failed ADD/INIT is reported (see README), not failed on.
      expect(findings.filter((f) => !/^(changed-after-success|shared-after-error)/.test(f)), `seed ${sum.seed}`).toEqual([]);
      expect(sum.violations + sum.changedAfterError + sum.residue).toBe(0);
    },
    TEST_TIMEOUT_MS,
  );
});
