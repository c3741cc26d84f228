// `pnpm test:soak`: the hardening suite at full size (TSCNI_SOAK=full unless set) with fresh
// random seeds (unless THD_SEED / THD_CRASH_SEED / THD_SOAK_SEED name them), then its report
// and the command that replays each seed. `pnpm test` never draws a seed: it runs ./seeds.ts.
import { spawnSync } from "node:child_process";
import { randomInt } from "node:crypto";
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { REPO_ROOT } from "@tscni/testing/repo";
import { formatReport } from "./lib/format-report.js";
import { readSections } from "./lib/report.js";
import { soakReplay } from "./lib/run-seeds.js";

const size = process.env.TSCNI_SOAK ?? "full";
const seedOf = (name: string): number => (process.env[name] ? Number(process.env[name]) : randomInt(2 ** 31));
const seeds = { fuzz: seedOf("THD_SEED"), crash: seedOf("THD_CRASH_SEED"), soak: seedOf("THD_SOAK_SEED"), property: seedOf("TSCNI_FC_SEED") };
/** The fast-check property tests (fixed seed in `pnpm test`, test/setup/fast-check-seed.ts). */
const PROPERTY_TESTS = ["packages/types/test/convert.property.test.ts", "packages/types/test/ip"];
const propertyReplay = (seed: number) => `TSCNI_FC_SEED=${seed} npx vitest run ${PROPERTY_TESTS.join(" ")}`;
const replay = [
  `seeds of this run (replay a section with its command; a seed that finds a bug joins test/hardening/seeds.ts):`,
  `  fuzz  ${seeds.fuzz}: ${soakReplay.fuzz(seeds.fuzz)}`,
  `  crash ${seeds.crash}: ${soakReplay.crash(seeds.crash)}`,
  `  soak  ${seeds.soak}: ${soakReplay.soak(seeds.soak)}`,
  `  property tests ${seeds.property}: ${propertyReplay(seeds.property)}`,
  `  (a fuzz finding prints its own one-case replay command)`,
].join("\n");
process.stdout.write(replay + "\n\n");

const reportDir = mkdtempSync(join(tmpdir(), "tscni-hardening-report-"));
const r = spawnSync(join(REPO_ROOT, "node_modules/.bin/vitest"), ["run", "test/hardening", ...process.argv.slice(2)], {
  cwd: REPO_ROOT,
  stdio: "inherit",
  env: {
    ...process.env,
    TSCNI_SOAK: size,
    TSCNI_HARDENING_REPORT: reportDir,
    THD_SEED: String(seeds.fuzz),
    THD_CRASH_SEED: String(seeds.crash),
    THD_SOAK_SEED: String(seeds.soak),
  },
});
const p = spawnSync(join(REPO_ROOT, "node_modules/.bin/vitest"), ["run", ...PROPERTY_TESTS], {
  cwd: REPO_ROOT,
  stdio: "inherit",
  env: { ...process.env, TSCNI_FC_SEED: String(seeds.property) },
});
process.stdout.write("\n" + formatReport(readSections(reportDir), size === "full" ? "full" : "ci"));
process.stdout.write(`(raw numbers: ${reportDir})\n\n${replay}\n`);
process.exit(r.status === 0 && p.status === 0 ? 0 : 1);
