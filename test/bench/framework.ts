// A tiny benchmark harness: cases of one section run round-robin so machine noise hits all alike.
import { spawn, spawnSync } from "node:child_process";

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
  /** Instead of `setup`: cases of many calls with a fixed number in flight (ConcurrentCase); `runs` rounds of each. */
  concurrent?: () => Promise<ConcurrentCase[]>;
  /** Instead of cases: measurements that are not timings (sizes, peak memory), printed as the lines it returns. */
  report?: () => Promise<string[]>;
  teardown?: () => Promise<void>;
  /** Lines printed under the table (what was measured, caveats). */
  notes?: string[];
  /** Lines computed from the table's rows, printed under it (ratios to a row other than the baseline). */
  summary?: (rows: CaseStats[]) => string[];
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

/** `total` calls of a program, `inFlight` at a time: wall time of all and the latency of each. */
export interface ConcurrentCase {
  name: string;
  total: number;
  inFlight: number;
  /** The i-th call (0-based): argv, env (PATH is added), stdin. */
  call: (i: number) => { argv: string[]; env?: Record<string, string>; stdin?: string };
  /** Sees each call's stdout once it exited 0 (e.g. to collect results); throw to fail the case. */
  check?: (i: number, stdout: string) => void;
  /** Untimed work before each round, and after each round that succeeded (e.g. empty the store, verify results). */
  before?: () => void | Promise<void>;
  after?: () => void | Promise<void>;
  /** Lines printed under the table once every round ran (counters the case kept). */
  report?: () => string[];
}

export interface ConcurrentStats {
  name: string;
  calls: number;
  inFlight: number;
  /** Median over rounds of the wall time of a whole round. */
  wallMs: number;
  /** Per-call latency over every call of every round. */
  p50: number;
  p90: number;
  p99: number;
  max: number;
}

/** One round of a concurrent case: resolves the round's wall time and each call's latency (ms); rejects on a failed call. */
export function runConcurrentRound(c: ConcurrentCase): Promise<{ wallMs: number; latencies: number[] }> {
  return new Promise((resolve, reject) => {
    const latencies: number[] = [];
    const t0 = process.hrtime.bigint();
    let next = 0;
    let done = 0;
    let failed = false;
    const start = (): void => {
      const i = next++;
      const { argv, env, stdin } = c.call(i);
      const [file, ...args] = argv;
      const s = process.hrtime.bigint();
      const child = spawn(file!, args, { env: { PATH: process.env.PATH ?? "/usr/sbin:/usr/bin:/sbin:/bin", ...env }, stdio: ["pipe", "pipe", "pipe"] });
      const out: Buffer[] = [];
      const err: Buffer[] = [];
      child.stdout.on("data", (b: Buffer) => out.push(b));
      child.stderr.on("data", (b: Buffer) => err.push(b));
      child.stdin.on("error", () => {});
      child.stdin.end(stdin ?? "");
      child.on("error", (e) => fail(e));
      child.on("close", (code) => {
        latencies.push(Number(process.hrtime.bigint() - s) / 1e6);
        const stdout = Buffer.concat(out).toString("utf8");
        if (code !== 0) return fail(new Error(`${c.name} call ${i}: exit ${code}\nstdout: ${stdout}\nstderr: ${Buffer.concat(err).toString("utf8")}`));
        try {
          c.check?.(i, stdout);
        } catch (e) {
          return fail(e as Error);
        }
        if (++done === c.total) resolve({ wallMs: Number(process.hrtime.bigint() - t0) / 1e6, latencies });
        else if (next < c.total && !failed) start();
      });
    };
    const fail = (e: Error): void => {
      if (!failed) reject(e);
      failed = true;
    };
    for (let k = 0; k < Math.min(c.inFlight, c.total); k++) start();
  });
}

/** `rounds` rounds of every case, the starting case rotated each round. */
export async function runConcurrentCases(cases: ConcurrentCase[], rounds: number): Promise<ConcurrentStats[]> {
  const walls = new Map<string, number[]>(cases.map((c) => [c.name, []]));
  const lat = new Map<string, number[]>(cases.map((c) => [c.name, []]));
  for (let r = 0; r < rounds; r++) {
    for (let j = 0; j < cases.length; j++) {
      const c = cases[(r + j) % cases.length]!;
      await c.before?.();
      const { wallMs, latencies } = await runConcurrentRound(c);
      walls.get(c.name)!.push(wallMs);
      lat.get(c.name)!.push(...latencies);
      await c.after?.();
    }
  }
  return cases.map((c) => {
    const l = [...lat.get(c.name)!].sort((a, b) => a - b);
    return {
      name: c.name, calls: c.total, inFlight: c.inFlight, wallMs: stats(c.name, walls.get(c.name)!).median,
      p50: quantile(l, 0.5), p90: quantile(l, 0.9), p99: quantile(l, 0.99), max: l.at(-1) ?? NaN,
    };
  });
}

export function formatConcurrentTable(rows: ConcurrentStats[], baseline?: string): string {
  const base = rows.find((r) => r.name === baseline);
  const w = Math.max(...rows.map((r) => r.name.length), 4);
  const head = `  ${"case".padEnd(w)}  calls  in flight   wall ms   p50 ms   p90 ms   p99 ms   max ms${base ? `  p99 x ${base.name}` : ""}`;
  const lines = rows.map(
    (r) =>
      `  ${r.name.padEnd(w)}  ${String(r.calls).padStart(5)}  ${String(r.inFlight).padStart(9)}  ${r.wallMs.toFixed(0).padStart(8)}  ${r.p50.toFixed(1).padStart(7)}  ${r.p90.toFixed(1).padStart(7)}  ${r.p99.toFixed(1).padStart(7)}  ${r.max.toFixed(1).padStart(7)}${base ? `  ${(r.p99 / base.p99).toFixed(2)}x` : ""}`,
  );
  return [head, ...lines].join("\n");
}

export async function runSection(section: BenchSection, opts: { runs?: number; warmup?: number } = {}): Promise<CaseStats[]> {
  if (section.report) {
    try {
      const lines = await section.report();
      console.log(`\n== ${section.title}`);
      for (const l of lines) console.log(`  ${l}`);
      for (const n of section.notes ?? []) console.log(`  note: ${n}`);
      return [];
    } finally {
      await section.teardown?.();
    }
  }
  if (section.concurrent) {
    const cc = await section.concurrent();
    try {
      const rounds = opts.runs ?? section.runs ?? 1;
      const rows = await runConcurrentCases(cc, rounds);
      console.log(`\n== ${section.title} (${rounds} round(s) of each case, interleaved)`);
      console.log(formatConcurrentTable(rows, section.baseline));
      for (const c of cc) for (const l of c.report?.() ?? []) console.log(`  ${c.name}: ${l}`);
      for (const n of section.notes ?? []) console.log(`  note: ${n}`);
      return [];
    } finally {
      await section.teardown?.();
    }
  }
  const cases = (await section.setup?.()) ?? [];
  try {
    const runs = opts.runs ?? section.runs ?? 50;
    const warmup = opts.warmup ?? section.warmup ?? 5;
    const rows = await runCases(cases, runs, warmup);
    console.log(`\n== ${section.title} (${runs} interleaved runs per case, ${warmup} warm-up)`);
    console.log(formatTable(rows, section.baseline, section.floor));
    for (const l of section.summary?.(rows) ?? []) console.log(`  ${l}`);
    for (const n of section.notes ?? []) console.log(`  note: ${n}`);
    return rows;
  } finally {
    await section.teardown?.();
  }
}
