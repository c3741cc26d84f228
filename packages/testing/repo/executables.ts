import { existsSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { bunPath } from "@tscni/build";
import { execOk } from "../src/exec.js";
import { runExecutable, type PluginRun, type RunPluginOptions } from "../src/run-executable.js";
import { nodeTs } from "./node-ts.js";

export const REPO_ROOT = join(dirname(fileURLToPath(import.meta.url)), "../../..");

export type ExecutableTarget = "standalone" | "node";

/** dist/bin/<name> (standalone) or dist/node/<name> (node bundle). */
export function distPath(name: string, target: ExecutableTarget = "standalone"): string {
  return join(REPO_ROOT, "dist", target === "standalone" ? "bin" : "node", name);
}

/**
 * Path of a plugin's built executable; builds it (both targets) when missing.
 * vitest's globalSetup normally built everything already.
 */
export async function pluginExecutable(name: string, target: ExecutableTarget = "standalone"): Promise<string> {
  const path = distPath(name, target);
  if (!existsSync(path)) {
    await execOk(nodeTs(join(REPO_ROOT, "packages/build/src/build-all.ts"), name), { cwd: REPO_ROOT });
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
