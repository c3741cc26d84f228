import type { SectionReport } from "./report.js";

/** The report as a markdown table plus per-section details (what README.md quotes). */
export function formatReport(sections: SectionReport[], size: string): string {
  // Cases that hit a known, reported plugin bug (README "Findings"): shown, not hidden in "leaks".
  const known = (s: SectionReport): number =>
    Object.values((s.details.knownBugs as Record<string, number> | undefined) ?? {}).reduce((a, b) => a + b, 0) +
    Number(s.details.bridgeAdoptedAfterKilledInit ?? 0);
  const rows = sections.map((s) => `| ${s.section} | ${s.cases} | ${s.faults} | ${s.leaks} | ${known(s)} |`);
  const total = sections.reduce((a, s) => ({ cases: a.cases + s.cases, faults: a.faults + s.faults, leaks: a.leaks + s.leaks }), { cases: 0, faults: 0, leaks: 0 });
  const details = sections.map((s) => {
    const { samples: _s, ...d } = s.details as Record<string, unknown>;
    return `- ${s.section}: ${JSON.stringify(d)}`;
  });
  return [
    `tscni hardening report (size: ${size})`,
    "",
    "| section | cases | faults injected | leaks found | known-bug cases |",
    "|---|---:|---:|---:|---:|",
    ...rows,
    `| **total** | ${total.cases} | ${total.faults} | ${total.leaks} | ${sections.reduce((a, s) => a + known(s), 0)} |`,
    "",
    ...details,
    "",
  ].join("\n");
}
