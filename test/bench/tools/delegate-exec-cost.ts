// What one delegate exec costs a plugin through each spawn implementation: the same
// executable (fixtures/delegate-exec-entry.ts) starts and exits ("none"), or also execs
// Go's host-local VERSION through @tscni/net's spawnCollect ("light") or through execa
// ("execa", loaded on first use as in @tscni/invoke). Cases interleaved, medians.
// Run: node --import tsx test/bench/tools/delegate-exec-cost.ts [--rounds N] [--batch N] [--target standalone|node]
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { buildExecutable } from "../../../packages/build/src/index.js";
import type { Target } from "../../../packages/build/src/options.js";
import { measureStartup, type StartupCase } from "./startup-cpu.js";

const ENTRY = fileURLToPath(new URL("./fixtures/delegate-exec-entry.ts", import.meta.url));

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
    const cases: StartupCase[] = [];
    for (const target of targets) {
      const outfile = join(dir, `entry-${target}`);
      await buildExecutable(ENTRY, { target, outfile, force: true });
      for (const spawn of ["none", "light", "execa"]) cases.push({ name: `${target} ${spawn}`, argv: [outfile], env: { SPAWN: spawn } });
    }
    const rows = measureStartup(cases, { rounds, batch });
    const w = Math.max(...rows.map((r) => r.name.length), 4);
    console.log(`${"case".padEnd(w)}  cpu ms/exec  wall ms/exec  (${rounds} rounds x ${batch} execs, medians)`);
    for (const r of rows) console.log(`${r.name.padEnd(w)}  ${r.cpuMs.toFixed(2).padStart(11)}  ${r.wallMs.toFixed(2).padStart(12)}`);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

await main(process.argv.slice(2));
