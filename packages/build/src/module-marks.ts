import { chmodSync } from "node:fs";
import { fileURLToPath } from "node:url";
import type { PreparedEntry } from "./build.js";
import { bunPath } from "./bun-path.js";
import { BUN_FLAGS } from "./options.js";
import { runTool } from "./run-tool.js";

/** The prefix of the stderr line a module-marked executable writes as each module is evaluated. */
export const MODULE_MARK = "tscni-module ";

/**
 * Compile a prepared entry (its generated source, split into chunks as its standalone is)
 * into a standalone executable that writes `tscni-module <path>` on stderr as each module is
 * evaluated: how tests check that a call loads only what it needs. Not for shipping.
 */
export async function compileWithModuleMarks(prep: Pick<PreparedEntry, "source" | "standaloneFlags" | "conditions">, outfile: string): Promise<void> {
  const split = [...BUN_FLAGS, ...(prep.standaloneFlags ?? [])].includes("--splitting") ? "--splitting" : "--no-splitting";
  await runTool([bunPath(), fileURLToPath(new URL("./module-marks-bun.ts", import.meta.url)), prep.source, outfile, split, ...prep.conditions]);
  chmodSync(outfile, 0o755);
}

/** The module paths a marked executable's stderr reports, in evaluation order. */
export const markedModules = (stderr: string): string[] =>
  stderr.split("\n").filter((l) => l.startsWith(MODULE_MARK)).map((l) => l.slice(MODULE_MARK.length));
