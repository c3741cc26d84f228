import { spawnCollect, type SpawnOutcome, type SpawnRequest } from "@tscni/net/spawn";

export type ProgramOutcome = SpawnOutcome;

const isBun = typeof (globalThis as { Bun?: unknown }).Bun === "object";

export interface ProgramRequest extends SpawnRequest {
  /** Working directory; default this process's. */
  cwd?: string | undefined;
}

/**
 * Run argv (argv[0] looked up on `env.PATH`, no shell) with execa and collect its output.
 * The contract is @tscni/net's `spawnCollect`, so either can run a plugin: exactly `env`;
 * stdin from `input` (a promise is written when it resolves, a rejection closes stdin
 * empty) or /dev/null; SIGKILL after `timeoutMs` (`timedOut`); never rejects for an exit
 * status or a signal; rejects with the errno error (ENOENT, EACCES, ETXTBSY...) when the
 * program cannot start. execa also kills a program still running when this process exits.
 * Imported on first use: a plugin that runs no program never evaluates execa.
 */
export async function runProgram(argv: readonly string[], req: ProgramRequest): Promise<ProgramOutcome> {
  const [file, ...args] = argv;
  if (!file) throw new Error("runProgram: empty argv");
  const { execa } = await import("execa");
  const { input } = req;
  const later = input instanceof Promise;
  let child: ReturnType<typeof execa<{ reject: false }>>;
  try {
    child = execa(file, args, {
      env: req.env,
      extendEnv: false,
      ...(req.cwd !== undefined ? { cwd: req.cwd } : {}),
      ...(input === undefined ? { stdin: "ignore" as const } : later ? { stdin: "pipe" as const } : { input }),
      stripFinalNewline: false,
      reject: false,
      ...(req.timeoutMs ? { timeout: req.timeoutMs, killSignal: "SIGKILL" as const } : {}),
    });
  } catch (e) {
    // Bun's child_process throws most start failures (ETXTBSY, ENOEXEC, E2BIG...) at once,
    // and execa's handling of that throws a TypeError that hides the errno. Starting it
    // with Bun.spawn instead (same contract) rejects with the errno, or runs it when the
    // cause has gone (a file no longer open for writing).
    if (isBun && req.cwd === undefined) return spawnCollect(argv, req);
    throw e;
  }
  if (later) {
    const sink = child.stdin!;
    // The program may exit without reading stdin (EPIPE): its status tells the story.
    sink.on("error", () => {});
    input.then(
      (b) => sink.end(b),
      () => sink.end(),
    );
  }
  const r = await child;
  if (r.exitCode === undefined && r.signal === undefined && !r.timedOut) throw r.cause instanceof Error ? r.cause : new Error(r.message);
  return { stdout: r.stdout, stderr: r.stderr, exitCode: r.exitCode ?? null, signal: r.signal ?? null, timedOut: r.timedOut };
}
