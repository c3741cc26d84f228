import { availableParallelism } from "node:os";
import { join, resolve } from "node:path";
import { pathToFileURL } from "node:url";
import { prepareEntry, writeExecutable, type BuildResult, type PreparedEntry } from "./build.js";
import { outputPath, REPO_ROOT } from "./dist-layout.js";
import { discoverPlugins, MULTI_CALL_NAME, multiCallPlugins, type PluginEntry } from "./discover.js";
import { prepareMultiCall } from "./multi-call.js";
import { MULTI_LINKS_DIR, placeMultiLinks, type MultiLinks } from "./multi-links.js";
import { SOURCE_CONDITION, type Target } from "./options.js";
import { pool } from "./pool.js";

export interface BuildAllOptions {
  /** Repository root (default: two levels above this package). */
  root?: string;
  /** Default <root>/dist: writes bin/<name> (standalone), node/<name> (node) and multi/<name> (links of bin/tscni-plugins). */
  outDir?: string;
  targets?: readonly Target[];
  /** Only these plugin names (default all; "tscni-plugins" is the multi-call file). */
  only?: readonly string[];
  force?: boolean;
  concurrency?: number;
}

export interface BuildFailure {
  name: string;
  target: Target;
  error: Error;
}

/**
 * Build every plugin for every target, in parallel, and the multi-call file holding them all
 * (`tscni-plugins`); a broken plugin does not stop the others.
 */
export async function buildAll(opts: BuildAllOptions = {}): Promise<{ built: BuildResult[]; failed: BuildFailure[]; links?: MultiLinks }> {
  const root = opts.root ?? REPO_ROOT;
  const outDir = opts.outDir ?? join(root, "dist");
  const targets = opts.targets ?? ["standalone", "node"];
  let plugins: PluginEntry[] = discoverPlugins(root);
  if (opts.only?.length) plugins = plugins.filter((p) => opts.only!.includes(p.name));

  const jobs: Array<{ name: string; target: Target; run: () => Promise<BuildResult> }> = [];
  // One preparation per entry, shared by both targets (the standalone adds a pass for its up-to-date key).
  // The generated entry (embedding, or the multi-call dispatcher) stays beside the stamps. The
  // repository builds its plugins from the packages' source, not their dist/.
  const conditions = [SOURCE_CONDITION];
  const held = multiCallPlugins(root);
  const add = (name: string, entry: string | undefined, prepare: (workDir: string) => Promise<PreparedEntry>) => {
    let prepared: Promise<PreparedEntry> | undefined;
    const once = () => (prepared ??= prepare(join(outDir, ".tscni-build", "entries", name)));
    for (const target of targets) {
      jobs.push({ name, target, run: async () => writeExecutable(entry, { target, outfile: outputPath(name, target, outDir), force: opts.force, prepared: await once() }, once) });
    }
  };
  for (const p of plugins) add(p.name, p.entry, (workDir) => prepareEntry(p.entry, { workDir, conditions }));
  if (!opts.only?.length || opts.only.includes(MULTI_CALL_NAME)) {
    add(MULTI_CALL_NAME, undefined, (workDir) => prepareMultiCall(held, workDir, conditions));
  }
  const settled = await pool(
    jobs.map((j) => j.run),
    opts.concurrency ?? Math.max(1, availableParallelism()),
  );
  const built: BuildResult[] = [];
  const failed: BuildFailure[] = [];
  settled.forEach((s, i) => {
    const j = jobs[i]!;
    if (s.status === "fulfilled") built.push(s.value);
    else failed.push({ name: j.name, target: j.target, error: s.reason instanceof Error ? s.reason : new Error(String(s.reason)) });
  });
  // dist/multi/<name>: the standalone multi-call file under every name it holds, as `tscni install`
  // lays it out (the tests' multi-call project runs these, @tscni/testing/repo's distPath).
  const multi = built.find((r) => r.target === "standalone" && r.outfile === outputPath(MULTI_CALL_NAME, "standalone", outDir));
  const links = multi ? placeMultiLinks(multi.outfile, join(outDir, MULTI_LINKS_DIR), multi.held ?? held.map((p) => p.name)) : undefined;
  return { built, failed, ...(links ? { links } : {}) };
}

function fmt(r: BuildResult): string {
  const kb = (r.bytes / 1024).toFixed(0).padStart(7);
  const embedded = r.held ? `  (holds ${r.held.join(", ")}; in-process delegates: ${r.embedded.join(", ") || "none"})` : r.embedded.length ? `  (embeds ${r.embedded.join(", ")})` : "";
  return `${r.upToDate ? "up-to-date" : "built     "} ${r.target.padEnd(10)} ${kb} KiB ${r.ms.toFixed(0).padStart(6)} ms  ${r.outfile}${embedded}`;
}

async function main(): Promise<void> {
  const args = process.argv.slice(2);
  const force = args.includes("--force");
  const only = args.filter((a) => !a.startsWith("--"));
  const t0 = performance.now();
  const { built, failed, links } = await buildAll({ force, only });
  for (const r of built) console.log(fmt(r));
  if (links) console.log(`links      ${links.dir}: ${links.linked.length ? `linked ${links.linked.join(", ")}` : "up to date"}${links.removed.length ? `; removed ${links.removed.join(", ")}` : ""}`);
  for (const f of failed) console.error(`FAILED ${f.name} (${f.target}): ${f.error.message}`);
  console.log(`${built.length} outputs, ${failed.length} failed, ${(performance.now() - t0).toFixed(0)} ms`);
  if (failed.length > 0) process.exitCode = 1;
}

if (process.argv[1] && import.meta.url === pathToFileURL(resolve(process.argv[1])).href) await main();
