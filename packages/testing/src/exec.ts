import { runProgram } from "@tscni/invoke/run-program";

/** Outcome of running a program to completion. */
export interface ExecResult {
  stdout: string;
  stderr: string;
  /** null when the process died from a signal (see `signal`). */
  exitCode: number | null;
  signal: NodeJS.Signals | null;
  /** true when we killed it because `timeoutMs` elapsed. */
  timedOut: boolean;
}

export interface ExecOptions {
  /** Full environment of the child (not merged with process.env). */
  env?: NodeJS.ProcessEnv;
  stdin?: string | Buffer;
  timeoutMs?: number;
  cwd?: string;
}

/**
 * Run argv (never through a shell) with execa, feed stdin (default: empty), collect output.
 * Never rejects on a non-zero exit; rejects when the program cannot start. A program still
 * running when the test process exits is killed with it.
 */
export async function exec(argv: readonly string[], opts: ExecOptions = {}): Promise<ExecResult> {
  const r = await runProgram(argv, { env: opts.env ?? process.env, input: opts.stdin ?? "", timeoutMs: opts.timeoutMs, cwd: opts.cwd });
  return { ...r, signal: r.signal as NodeJS.Signals | null };
}

/** Like exec, but throws with the command and its stderr when it does not exit 0. */
export async function execOk(argv: readonly string[], opts: ExecOptions = {}): Promise<ExecResult> {
  const r = await exec(argv, opts);
  if (r.exitCode !== 0) {
    throw new Error(`${argv.join(" ")} failed (exit ${r.exitCode ?? r.signal}): ${r.stderr.trim()}`);
  }
  return r;
}
