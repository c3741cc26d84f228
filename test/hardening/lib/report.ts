import { mkdirSync, readdirSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";

/** Where each section drops its numbers; `pnpm test:soak` points this at a fresh dir and prints it. */
export const REPORT_DIR = process.env.TSCNI_HARDENING_REPORT ?? join(tmpdir(), "tscni-hardening-report");

export interface SectionReport {
  section: string;
  /** Cases run (fuzz inputs, crash rounds, churn cycles). */
  cases: number;
  /** kill -9 delivered to a plugin, IPAM plugin or runtime exec. */
  faults: number;
  /** Anything left behind or handed out twice: must be 0. */
  leaks: number;
  /** Free-form numbers (code histogram, memory, fds...). */
  details: Record<string, unknown>;
}

export function writeSection(r: SectionReport): void {
  mkdirSync(REPORT_DIR, { recursive: true });
  writeFileSync(join(REPORT_DIR, `${r.section.replace(/[^a-z0-9-]/gi, "_")}.json`), JSON.stringify(r, null, 2) + "\n");
}

export function readSections(dir = REPORT_DIR): SectionReport[] {
  let names: string[];
  try {
    names = readdirSync(dir).filter((n) => n.endsWith(".json")).sort();
  } catch {
    return [];
  }
  return names.map((n) => JSON.parse(readFileSync(join(dir, n), "utf8")) as SectionReport);
}
