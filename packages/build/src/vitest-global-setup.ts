import { buildAll } from "./build-all.js";

/**
 * vitest globalSetup: build every plugin once before any test file runs, so
 * executable tests find dist/bin, dist/node and dist/multi. Up-to-date outputs are kept.
 * A plugin that fails to build is reported, not fatal: only its own tests fail.
 * TSCNI_SKIP_BUILD=1 skips it (in-process-only runs).
 */
export default async function setup(): Promise<void> {
  if (process.env.TSCNI_SKIP_BUILD === "1") return;
  const t0 = performance.now();
  const { built, failed, links } = await buildAll();
  const rebuilt = built.filter((b) => !b.upToDate).length;
  const relinked = links?.linked.length ? `, ${links.linked.length} names relinked in ${links.dir}` : "";
  console.log(`[tscni build] ${built.length} executables (${rebuilt} rebuilt${relinked}) in ${(performance.now() - t0).toFixed(0)} ms`);
  for (const f of failed) console.error(`[tscni build] FAILED ${f.name} (${f.target}): ${f.error.message}`);
}
