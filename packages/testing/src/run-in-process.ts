import { dispatch, type Plugin } from "@tscni/skel";
import { execEnv } from "./exec-env.js";
import { encodeStdin, parseJson, type RunPluginOptions } from "./run-executable.js";

export interface InProcessRun {
  stdout: string;
  stderr: string;
  exitCode: number;
  json?: unknown;
}

/**
 * Run a plugin's handlers through skel's dispatch, as the executable would, without a process.
 * The plugin gets the env an exec would deliver (execEnv: cut at NUL, split at "=", ...).
 */
export async function runInProcess(
  plugin: Plugin,
  opts: Pick<RunPluginOptions, "env" | "stdin"> = {},
): Promise<InProcessRun> {
  const r = await dispatch(plugin, { env: execEnv(opts.env ?? {}), stdin: encodeStdin(opts.stdin) });
  const out: InProcessRun = { stdout: r.stdout, stderr: r.stderr, exitCode: r.exitCode };
  const json = parseJson(r.stdout);
  if (json !== undefined) out.json = json;
  return out;
}
