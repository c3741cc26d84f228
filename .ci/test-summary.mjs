// Prints "N passed, M failed" from a vitest JSON report; exits 1 on any failure or no tests.
import { readFileSync } from "node:fs";

let report;
try {
  report = JSON.parse(readFileSync(process.argv[2], "utf8"));
} catch (e) {
  console.log(`no test report (${e.message})`);
  console.log("0 passed, 1 failed");
  process.exit(1);
}
const suites = report.testResults ?? [];
// A file that failed to load has no failed test in it, but it is a failure all the same.
const brokenFiles = suites.filter((s) => s.status === "failed" && !(s.assertionResults ?? []).some((a) => a.status === "failed")).length;
const passed = report.numPassedTests ?? 0;
const failed = (report.numFailedTests ?? 0) + brokenFiles;
const skipped = (report.numPendingTests ?? 0) + (report.numTodoTests ?? 0);
console.log(`${passed} passed, ${failed} failed${skipped ? `, ${skipped} skipped` : ""}`);
process.exit(failed > 0 || passed === 0 ? 1 : 0);
