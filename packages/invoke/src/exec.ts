import { runProgram } from "./run-program.js";
import { interpretOutput } from "./output.js";
import { startPlugin, type ExecOptions, type ExecOutput } from "./start-plugin.js";

export type { ExecOptions, ExecOutput } from "./start-plugin.js";

/**
 * Run a plugin executable once with execa and collect its output (a runtime's exec:
 * timeout with kill, stdin, exit status, stderr, killed if this process exits first).
 * Never throws for a non-zero exit.
 */
export function runPlugin(path: string, opts: ExecOptions): Promise<ExecOutput> {
  return startPlugin(runProgram, path, opts);
}

/** Run a plugin and interpret its answer (see interpretOutput). */
export async function execPlugin(path: string, opts: ExecOptions): Promise<Record<string, unknown> | undefined> {
  return interpretOutput(path, await runPlugin(path, opts));
}
