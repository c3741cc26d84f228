import { spawn } from "node:child_process";

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

/** Spawn argv (never through a shell), feed stdin, collect output. Never rejects on a non-zero exit. */
export function exec(argv: readonly string[], opts: ExecOptions = {}): Promise<ExecResult> {
  const [file, ...args] = argv;
  if (!file) return Promise.reject(new Error("exec: empty argv"));
  return new Promise((resolve, reject) => {
    const child = spawn(file, args, {
      env: opts.env ?? process.env,
      cwd: opts.cwd,
      stdio: ["pipe", "pipe", "pipe"],
    });
    const out: Buffer[] = [];
    const err: Buffer[] = [];
    let timedOut = false;
    const timer =
      opts.timeoutMs !== undefined
        ? setTimeout(() => {
            timedOut = true;
            child.kill("SIGKILL");
          }, opts.timeoutMs)
        : undefined;
    child.stdout.on("data", (b: Buffer) => out.push(b));
    child.stderr.on("data", (b: Buffer) => err.push(b));
    child.on("error", (e) => {
      if (timer) clearTimeout(timer);
      reject(e);
    });
    child.on("close", (code, signal) => {
      if (timer) clearTimeout(timer);
      resolve({
        stdout: Buffer.concat(out).toString("utf8"),
        stderr: Buffer.concat(err).toString("utf8"),
        exitCode: code,
        signal,
        timedOut,
      });
    });
    // A child that exits without reading stdin makes the write fail with EPIPE: not our error.
    child.stdin.on("error", () => {});
    child.stdin.end(opts.stdin ?? "");
  });
}

/** Like exec, but throws with the command and its stderr when it does not exit 0. */
export async function execOk(argv: readonly string[], opts: ExecOptions = {}): Promise<ExecResult> {
  const r = await exec(argv, opts);
  if (r.exitCode !== 0) {
    throw new Error(`${argv.join(" ")} failed (exit ${r.exitCode ?? r.signal}): ${r.stderr.trim()}`);
  }
  return r;
}
