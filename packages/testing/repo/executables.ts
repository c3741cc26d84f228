import { existsSync } from "node:fs";
import { join } from "node:path";
import { bunPath } from "@tscni/build";
import { outputPath, REPO_ROOT } from "../../build/src/dist-layout.js";
import { MULTI_CALL_NAME, multiCallPlugins } from "../../build/src/discover.js";
import { MULTI_LINKS_DIR } from "../../build/src/multi-links.js";
import { execOk } from "../src/exec.js";
import { runExecutable, type PluginRun, type RunPluginOptions } from "../src/run-executable.js";
import { nodeTs } from "./node-ts.js";

export { REPO_ROOT };

export type ExecutableTarget = "standalone" | "node";

/**
 * Which files this test run executes as our plugins, from TSCNI_TEST_PLUGINS: "single" (unset:
 * the single-plugin files) or "multi" (the standalone multi-call file, through its links in
 * dist/multi). Any other value is an error, so a typo cannot quietly test the single files.
 */
export type TestPlugins = "single" | "multi";

export function testPlugins(): TestPlugins {
  const v = process.env.TSCNI_TEST_PLUGINS;
  if (v === undefined || v === "" || v === "single") return "single";
  if (v === "multi") return "multi";
  throw new Error(`TSCNI_TEST_PLUGINS must be "single" or "multi", not ${JSON.stringify(v)}`);
}

/** dist/bin/tscni-plugins: the standalone multi-call file that dist/multi's names are hard links of. */
export const multiCallFile = (): string => outputPath(MULTI_CALL_NAME, "standalone");

/** The names the multi-call file holds (every plugin and `tscni`; not the test fixture). */
export const multiCallNames = (): string[] => multiCallPlugins(REPO_ROOT).map((p) => p.name);

/** Whether `name` runs from the multi-call file in this test run. */
const fromMultiCall = (name: string, target: ExecutableTarget): boolean =>
  target === "standalone" && testPlugins() === "multi" && multiCallNames().includes(name);

/**
 * The executable a test runs as `name`: dist/bin/<name> (standalone) or dist/node/<name> (node
 * bundle); with TSCNI_TEST_PLUGINS=multi, dist/multi/<name> for a standalone name the multi-call
 * file holds (a hard link of dist/bin/tscni-plugins, made by `pnpm build`). The node target and
 * names the file does not hold (tscni-fixture) stay single files.
 */
export function distPath(name: string, target: ExecutableTarget = "standalone"): string {
  if (fromMultiCall(name, target)) return join(REPO_ROOT, "dist", MULTI_LINKS_DIR, name);
  return outputPath(name, target);
}

/** The targets a test run covers: both, or with TSCNI_TEST_PLUGINS=multi the standalone only (the node bundles have no multi-call form here). */
export const testedTargets = (): ExecutableTarget[] => (testPlugins() === "multi" ? ["standalone"] : ["standalone", "node"]);

/**
 * Path of a plugin's built executable; builds it (both targets) when missing.
 * vitest's globalSetup normally built everything already.
 */
export async function pluginExecutable(name: string, target: ExecutableTarget = "standalone"): Promise<string> {
  const path = distPath(name, target);
  if (!existsSync(path)) {
    const build = fromMultiCall(name, target) ? MULTI_CALL_NAME : name;
    await execOk(nodeTs(join(REPO_ROOT, "packages/build/src/build-all.ts"), build), { cwd: REPO_ROOT });
    if (!existsSync(path)) throw new Error(`no plugin named ${name}: expected plugins/${name}/src/main.ts`);
  }
  return path;
}

/** The bun binary of the pinned `bun` package (for running node bundles under Bun). */
export const bunBinary = bunPath;

/** One way to execute a built plugin. */
export interface ExecutableRunner {
  /** "standalone", "node-bundle@node", "node-bundle@bun" */
  name: string;
  run(opts: RunPluginOptions): Promise<PluginRun>;
}

/** Every way a built plugin can run: the standalone binary, and the node bundle under node and under bun. */
export async function executableRunners(plugin: string): Promise<ExecutableRunner[]> {
  const standalone = await pluginExecutable(plugin, "standalone");
  const bundle = await pluginExecutable(plugin, "node");
  const bun = bunBinary();
  return [
    { name: "standalone", run: (o) => runExecutable(standalone, o) },
    { name: "node-bundle@node", run: (o) => runExecutable(bundle, { ...o, interpreter: process.execPath }) },
    { name: "node-bundle@bun", run: (o) => runExecutable(bundle, { ...o, interpreter: bun }) },
  ];
}
