// What a delegate exec costs a plugin with each starter, and what merely carrying execa
// costs it. Three bundles are built from fixtures/: "light" execs the delegate through
// @tscni/net's spawnCollect (what plugins ship), "execa" through @tscni/invoke's runPlugin
// (execa, imported on first use), "child_process" through node:child_process (what
// spawnCollect does under Node; under Bun, its JS layer instead of Bun.spawn). Each runs with SPAWN=none (start and exit: the bundle's
// floor) and with one exec of the delegate (Go's host-local VERSION by default), next to
// the delegate alone. Every case is interleaved in one run; the children get PATH and the
// case's env only (NODE_EXTRA_CA_CERTS unset). Medians over rounds, quartiles as spread.
// Run: node --conditions=tscni-source --import tsx test/bench/tools/delegate-exec-cost.ts [--rounds N] [--batch N] [--target standalone|node]...
import { mkdtempSync, rmSync, statSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { buildExecutable } from "../../../packages/build/src/index.js";
import type { Target } from "../../../packages/build/src/options.js";
import { measureStartup, type StartupCase, type StartupStats } from "./startup-cpu.js";

const fixture = (name: string) => fileURLToPath(new URL(`./fixtures/${name}`, import.meta.url));
const STARTERS = {
  light: fixture("delegate-exec-light.ts"),
  execa: fixture("delegate-exec-execa.ts"),
  child_process: fixture("delegate-exec-child-process.ts"),
} as const;
const DELEGATE = process.env.DELEGATE ?? "/usr/lib/cni/host-local";

const fmt = (x: number) => x.toFixed(2);
const spread = ([lo, hi]: [number, number]) => `${fmt(lo)}-${fmt(hi)}`;

async function main(argv: string[]): Promise<void> {
  let rounds = 15;
  let batch = 20;
  const targets: Target[] = [];
  for (let i = 0; i < argv.length; i++) {
    if (argv[i] === "--rounds") rounds = Number(argv[++i]);
    else if (argv[i] === "--batch") batch = Number(argv[++i]);
    else if (argv[i] === "--target") targets.push(argv[++i] as Target);
    else throw new Error(`unknown argument ${argv[i]}`);
  }
  if (targets.length === 0) targets.push("standalone");
  const dir = mkdtempSync(join(tmpdir(), "tr-execbench-"));
  try {
    const cases: StartupCase[] = [{ name: "delegate alone", argv: [DELEGATE], env: { CNI_COMMAND: "VERSION" } }];
    const sizes = new Map<string, number>();
    for (const target of targets) {
      for (const [starter, entry] of Object.entries(STARTERS)) {
        const outfile = join(dir, `${starter}-${target}`);
        await buildExecutable(entry, { target, outfile, force: true });
        sizes.set(`${target} ${starter}`, statSync(outfile).size);
        cases.push({ name: `${target} ${starter} bundle, no exec`, argv: [outfile], env: { SPAWN: "none" } });
        cases.push({ name: `${target} ${starter} bundle, one delegate exec`, argv: [outfile], env: { SPAWN: starter, DELEGATE } });
      }
    }
    const rows = measureStartup(cases, { rounds, batch });
    const w = Math.max(...rows.map((r) => r.name.length), 4);
    console.log(`${rounds} rounds x ${batch} execs, interleaved; per exec: median [quartiles], ms; delegate ${DELEGATE} VERSION`);
    console.log(`${"case".padEnd(w)}  ${"cpu".padStart(6)} ${"[q1-q3]".padEnd(13)}  ${"wall".padStart(6)} ${"[q1-q3]".padEnd(13)}`);
    for (const r of rows) console.log(`${r.name.padEnd(w)}  ${fmt(r.cpuMs).padStart(6)} [${spread(r.cpuQuartiles)}]  ${fmt(r.wallMs).padStart(6)} [${spread(r.wallQuartiles)}]`);
    const row = (name: string): StartupStats => rows.find((r) => r.name === name)!;
    for (const target of targets) {
      const d = (a: string, b: string) => {
        const [x, y] = [row(`${target} ${a}`), row(`${target} ${b}`)];
        return `cpu ${fmt(x.cpuMs - y.cpuMs)} ms, wall ${fmt(x.wallMs - y.wallMs)} ms`;
      };
      console.log(`${target}: bundle sizes ${Object.keys(STARTERS).map((s) => `${s} ${sizes.get(`${target} ${s}`)} B`).join(", ")}`);
      console.log(`  carrying execa, no exec (execa - light bundle): ${d("execa bundle, no exec", "light bundle, no exec")}`);
      console.log(`  one delegate exec, execa - spawnCollect:          ${d("execa bundle, one delegate exec", "light bundle, one delegate exec")}`);
      console.log(`  one delegate exec, child_process - spawnCollect:  ${d("child_process bundle, one delegate exec", "light bundle, one delegate exec")}`);
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

await main(process.argv.slice(2));
