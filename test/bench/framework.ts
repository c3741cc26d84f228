// A tiny benchmark harness: cases of one section run round-robin so machine noise hits all alike.
import { spawnSync } from "node:child_process";

/** One program invocation to time. */
export interface BenchCase {
  name: string;
  argv: string[];
  /** The child's whole environment (PATH is added). Nothing else is inherited. */
  env?: Record<string, string>;
  stdin?: string;
  /** Untimed work before / after each timed run (e.g. DEL after an ADD). */
  before?: () => void | Promise<void>;
  after?: () => void | Promise<void>;
  /** Exit statuses that count as success (default [0]). */
  okExit?: number[];
}

export interface BenchSection {
  /** Short id used on the command line: `pnpm bench version`. */
  id: string;
  title: string;
  /** Case every ratio is computed against (usually the Go reference plugin). */
  baseline?: string;
  /** Case measuring the harness's own spawn cost; adds a ratio column with it subtracted. */
  floor?: string;
  runs?: number;
  warmup?: number;
  setup?: () => Promise<BenchCase[]>;
  teardown?: () => Promise<void>;
  /** Lines printed under the table (what was measured, caveats). */
  notes?: string[];
}

export interface CaseStats {
  name: string;
  samples: number[];
  median: number;
  p10: number;
  p90: number;
  mean: number;
}

function quantile(sorted: number[], q: number): number {
  if (sorted.length === 0) return NaN;
  const pos = (sorted.length - 1) * q;
  const lo = Math.floor(pos);
  const hi = Math.ceil(pos);
  return sorted[lo]! + (sorted[hi]! - sorted[lo]!) * (pos - lo);
}

export function stats(name: string, samples: number[]): CaseStats {
  const s = [...samples].sort((a, b) => a - b);
  return {
    name,
    samples,
    median: quantile(s, 0.5),
    p10: quantile(s, 0.1),
    p90: quantile(s, 0.9),
    mean: s.reduce((a, b) => a + b, 0) / (s.length || 1),
  };
}

/** Wall time of one spawn, in ms; throws when the exit status is not accepted. */
export function timeOnce(c: BenchCase): number {
  const [file, ...args] = c.argv;
  const env = { PATH: process.env.PATH ?? "/usr/sbin:/usr/bin:/sbin:/bin", ...c.env };
  const t0 = process.hrtime.bigint();
  const r = spawnSync(file!, args, { env, input: c.stdin ?? "", stdio: ["pipe", "pipe", "pipe"], maxBuffer: 16 << 20 });
  const ms = Number(process.hrtime.bigint() - t0) / 1e6;
  if (r.error) throw r.error;
  if (!(c.okExit ?? [0]).includes(r.status ?? -1))
    throw new Error(`${c.name}: exit ${r.status ?? r.signal}\nstdout: ${r.stdout}\nstderr: ${r.stderr}`);
  return ms;
}

/** Run every case `warmup` times, then `runs` interleaved rounds. */
export async function runCases(cases: BenchCase[], runs: number, warmup: number): Promise<CaseStats[]> {
  const samples = new Map<string, number[]>(cases.map((c) => [c.name, []]));
  const one = async (c: BenchCase, keep: boolean) => {
    await c.before?.();
    try {
      const ms = timeOnce(c);
      if (keep) samples.get(c.name)!.push(ms);
    } finally {
      await c.after?.();
    }
  };
  for (let i = 0; i < warmup; i++) for (const c of cases) await one(c, false);
  for (let i = 0; i < runs; i++) {
    // Rotate the starting case each round so no case always follows the same one.
    for (let j = 0; j < cases.length; j++) await one(cases[(i + j) % cases.length]!, true);
  }
  return cases.map((c) => stats(c.name, samples.get(c.name)!));
}

export function formatTable(rows: CaseStats[], baseline?: string, floorName?: string): string {
  const base = rows.find((r) => r.name === baseline);
  const floor = rows.find((r) => r.name === floorName);
  const w = Math.max(...rows.map((r) => r.name.length), 4);
  const head = `  ${"case".padEnd(w)}  median ms    p10    p90  ${base ? `x ${base.name}`.padEnd(16) : ""}${base && floor ? "x (spawn floor subtracted)" : ""}`;
  const lines = rows.map((r) => {
    const ratio = base ? `${(r.median / base.median).toFixed(2)}x`.padEnd(16) : "";
    const net = base && floor && r !== floor ? `${((r.median - floor.median) / (base.median - floor.median)).toFixed(2)}x` : "";
    return `  ${r.name.padEnd(w)}  ${r.median.toFixed(2).padStart(9)} ${r.p10.toFixed(2).padStart(6)} ${r.p90.toFixed(2).padStart(6)}  ${ratio}${net}`;
  });
  return [head, ...lines].join("\n");
}

export async function runSection(section: BenchSection, opts: { runs?: number; warmup?: number } = {}): Promise<CaseStats[]> {
  const cases = (await section.setup?.()) ?? [];
  try {
    const runs = opts.runs ?? section.runs ?? 50;
    const warmup = opts.warmup ?? section.warmup ?? 5;
    const rows = await runCases(cases, runs, warmup);
    console.log(`\n== ${section.title} (${runs} interleaved runs per case, ${warmup} warm-up)`);
    console.log(formatTable(rows, section.baseline, section.floor));
    for (const n of section.notes ?? []) console.log(`  note: ${n}`);
    return rows;
  } finally {
    await section.teardown?.();
  }
}
