// Per-exec CPU (user+sys) and wall time of executables, to compare build flags.
// Node cannot read a child's rusage, so each batch runs in `sh`, whose `times`
// builtin prints the CPU of the children it waited for.
import { spawnSync } from "node:child_process";
import { pathToFileURL } from "node:url";

export interface StartupCase {
  name: string;
  argv: string[];
  /** The child's whole environment besides PATH. */
  env?: Record<string, string>;
}

export interface StartupStats {
  name: string;
  /** Median over rounds of (batch CPU / batch size), ms. */
  cpuMs: number;
  /** Median over rounds of (batch wall / batch size), ms. */
  wallMs: number;
  /** Spread over rounds: first and third quartiles of the same per-exec numbers. */
  cpuQuartiles: [number, number];
  wallQuartiles: [number, number];
  rounds: number;
}

export interface StartupOptions {
  rounds?: number;
  /** Execs per batch: `times` counts in clock ticks (10 ms), so one batch must run long enough. */
  batch?: number;
  /** Run the batch's execs all at once (`&` + `wait`) instead of one after the other. */
  concurrent?: boolean;
}

// Constant scripts: the program and its arguments come in as "$@", never as shell text.
// A failing exec fails the batch (exit 3), so a broken binary never yields a number.
const SEQUENTIAL = 'n=$1; shift; i=0; while [ $i -lt $n ]; do i=$((i+1)); "$@" >/dev/null 2>&1 </dev/null || exit 3; done; times';
const CONCURRENT =
  'n=$1; shift; i=0; pids=; while [ $i -lt $n ]; do i=$((i+1)); "$@" >/dev/null 2>&1 </dev/null & pids="$pids $!"; done; ' +
  "for p in $pids; do wait $p || exit 3; done; times";

/** Children's user + sys seconds from the output of `times` (second line; dash and bash formats). */
export function parseTimes(out: string): number {
  const lines = out.trim().split("\n");
  const children = lines[lines.length - 1] ?? "";
  const parts = [...children.matchAll(/(\d+)m([\d.]+)s/g)];
  if (lines.length < 2 || parts.length !== 2) throw new Error(`unexpected output of times: ${JSON.stringify(out)}`);
  return parts.reduce((s, m) => s + Number(m[1]) * 60 + Number(m[2]), 0);
}

/** The q-quantile (0..1) of xs, interpolated between the closest ranks. */
function quantile(xs: number[], q: number): number {
  const s = [...xs].sort((a, b) => a - b);
  const pos = (s.length - 1) * q;
  const lo = Math.floor(pos);
  return s[lo]! + (s[Math.min(lo + 1, s.length - 1)]! - s[lo]!) * (pos - lo);
}

const quartiles = (xs: number[]): [number, number] => [quantile(xs, 0.25), quantile(xs, 0.75)];

/** Runs every case `rounds` times in shuffled order, `batch` execs per round. */
export function measureStartup(cases: readonly StartupCase[], opts: StartupOptions = {}): StartupStats[] {
  const rounds = opts.rounds ?? 10;
  const batch = opts.batch ?? 20;
  const script = opts.concurrent ? CONCURRENT : SEQUENTIAL;
  const cpu = new Map<string, number[]>(cases.map((c) => [c.name, []]));
  const wall = new Map<string, number[]>(cases.map((c) => [c.name, []]));
  for (let r = 0; r < rounds; r++) {
    const order = [...cases].sort(() => Math.random() - 0.5);
    for (const c of order) {
      const t0 = process.hrtime.bigint();
      const res = spawnSync("sh", ["-c", script, "sh", String(batch), ...c.argv], {
        env: { PATH: process.env.PATH ?? "/usr/bin:/bin", ...c.env },
        encoding: "utf8",
      });
      const ms = Number(process.hrtime.bigint() - t0) / 1e6;
      if (res.status !== 0) throw new Error(`${c.name}: ${res.status === 3 ? "an exec failed" : `sh exited ${res.status}`} ${res.stderr}`);
      cpu.get(c.name)!.push((parseTimes(res.stdout) * 1000) / batch);
      wall.get(c.name)!.push(ms / batch);
    }
  }
  return cases.map((c) => {
    const [cpus, walls] = [cpu.get(c.name)!, wall.get(c.name)!];
    return { name: c.name, cpuMs: quantile(cpus, 0.5), wallMs: quantile(walls, 0.5), cpuQuartiles: quartiles(cpus), wallQuartiles: quartiles(walls), rounds };
  });
}

/** CLI: `node --conditions=tscni-source --import tsx test/bench/tools/startup-cpu.ts [--rounds N] [--batch N] [--concurrent] name=/path ...` (CNI_COMMAND=VERSION). */
function main(argv: string[]): void {
  const opts: StartupOptions = {};
  const cases: StartupCase[] = [];
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i]!;
    if (a === "--rounds") opts.rounds = Number(argv[++i]);
    else if (a === "--batch") opts.batch = Number(argv[++i]);
    else if (a === "--concurrent") opts.concurrent = true;
    else {
      const eq = a.indexOf("=");
      cases.push(eq > 0 ? { name: a.slice(0, eq), argv: [a.slice(eq + 1)] } : { name: a, argv: [a] });
    }
  }
  for (const c of cases) c.env = { CNI_COMMAND: "VERSION" };
  const rows = measureStartup(cases, opts);
  const w = Math.max(...rows.map((r) => r.name.length), 4);
  console.log(`${"case".padEnd(w)}  cpu ms/exec  wall ms/exec`);
  for (const r of rows) console.log(`${r.name.padEnd(w)}  ${r.cpuMs.toFixed(2).padStart(11)}  ${r.wallMs.toFixed(2).padStart(12)}`);
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) main(process.argv.slice(2));
