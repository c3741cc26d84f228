// `pnpm bench [section ...] [--runs N] [--warmup N] [--no-build]`: runs benchmark sections
// (test/bench/sections/*.ts, each exporting `section`). Not part of the tests.
import { readdirSync } from "node:fs";
import { cpus } from "node:os";
import { fileURLToPath } from "node:url";
import { buildAll } from "../../packages/build/src/build-all.js";
import { runSection, type BenchSection } from "./framework.js";
import { removeFloors } from "./floors.js";
import { removeNodeBundles } from "./node-bundles.js";

const sectionsDir = fileURLToPath(new URL("./sections/", import.meta.url));

async function loadSections(): Promise<BenchSection[]> {
  const files = readdirSync(sectionsDir).filter((f) => f.endsWith(".ts")).sort();
  const out: BenchSection[] = [];
  for (const f of files) {
    const mod = (await import(new URL(`./sections/${f}`, import.meta.url).href)) as { section?: BenchSection; sections?: BenchSection[] };
    if (mod.section) out.push(mod.section);
    out.push(...(mod.sections ?? [])); // a file may hold several sections ("host-local/60k"); "host-local" selects them all
  }
  // VERSION first: it is the headline number.
  return out.sort((a, b) => (a.id === "version" ? -1 : b.id === "version" ? 1 : a.id.localeCompare(b.id)));
}

function flag(args: string[], name: string): number | undefined {
  const i = args.indexOf(name);
  if (i === -1) return undefined;
  const v = Number(args[i + 1]);
  args.splice(i, 2);
  return Number.isFinite(v) ? v : undefined;
}

async function main(): Promise<void> {
  const args = process.argv.slice(2);
  const runs = flag(args, "--runs");
  const warmup = flag(args, "--warmup");
  const noBuild = args.includes("--no-build");
  const wanted = args.filter((a) => !a.startsWith("--"));

  const all = await loadSections();
  const picks = (w: string, s: BenchSection) => s.id === w || s.id.startsWith(`${w}/`);
  const unknown = wanted.filter((w) => !all.some((s) => picks(w, s)));
  if (unknown.length) {
    console.error(`unknown section(s) ${unknown.join(", ")}; have: ${all.map((s) => s.id).join(", ")}`);
    process.exit(2);
  }
  if (!noBuild) {
    const { failed } = await buildAll();
    for (const f of failed) console.error(`build failed: ${f.name} (${f.target}): ${f.error.message.split("\n")[0]}`);
  }
  console.log(`tscni bench: ${cpus().length} cpus, node ${process.version}, NODE_EXTRA_CA_CERTS unset in children, node bundles run from a copy outside any package.json scope (as in /opt/cni/bin)`);
  let failures = 0;
  for (const s of all.filter((s) => wanted.length === 0 || wanted.some((w) => picks(w, s)))) {
    try {
      await runSection(s, { runs, warmup });
    } catch (e) {
      failures++;
      console.error(`\n== ${s.title}: FAILED: ${(e as Error).message}`);
    }
  }
  await removeFloors();
  removeNodeBundles();
  if (failures) process.exitCode = 1;
}

await main();
