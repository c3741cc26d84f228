// `pnpm test:soak`: the hardening suite at full size (TSCNI_SOAK=full unless set), then its report.
import { spawnSync } from "node:child_process";
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { REPO_ROOT } from "@tscni/testing";
import { formatReport } from "./lib/format-report.js";
import { readSections } from "./lib/report.js";

const size = process.env.TSCNI_SOAK ?? "full";
const reportDir = mkdtempSync(join(tmpdir(), "tscni-hardening-report-"));
const r = spawnSync(join(REPO_ROOT, "node_modules/.bin/vitest"), ["run", "test/hardening", ...process.argv.slice(2)], {
  cwd: REPO_ROOT,
  stdio: "inherit",
  env: { ...process.env, TSCNI_SOAK: size, TSCNI_HARDENING_REPORT: reportDir },
});
process.stdout.write("\n" + formatReport(readSections(reportDir), size === "full" ? "full" : "ci"));
process.stdout.write(`(raw numbers: ${reportDir})\n`);
process.exit(r.status ?? 1);
