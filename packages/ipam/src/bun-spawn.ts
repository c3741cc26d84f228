import type { ExecOptions, ExecOutput } from "./exec.js";

interface BunSubprocess {
  stdout: ReadableStream<Uint8Array>;
  stderr: ReadableStream<Uint8Array>;
  exited: Promise<number>;
  exitCode: number | null;
  signalCode: NodeJS.Signals | null;
  kill(signal: string): void;
}
type BunSpawn = (argv: string[], o: { env: NodeJS.ProcessEnv; stdin: Uint8Array; stdout: "pipe"; stderr: "pipe" }) => BunSubprocess;

/**
 * Bun.spawn when running under Bun (the standalone plugins): native, where
 * node:child_process is a JS layer costing ~1 ms to load and a few ms per spawn.
 * undefined under Node.
 */
export const bunSpawn = (globalThis as { Bun?: { spawn: BunSpawn } }).Bun?.spawn;

/**
 * spawnOnce's Bun flavour: same contract (throws the errno error when the program cannot
 * start; a timeout kills it and reports `timedOut`).
 */
export async function spawnWithBun(spawn: BunSpawn, argv: string[], opts: ExecOptions): Promise<ExecOutput & { timedOut: boolean }> {
  const p = spawn(argv, { env: opts.env, stdin: typeof opts.stdin === "string" ? Buffer.from(opts.stdin) : opts.stdin, stdout: "pipe", stderr: "pipe" });
  let timedOut = false;
  const timer = opts.timeoutMs && opts.timeoutMs > 0 ? setTimeout(() => ((timedOut = true), p.kill("SIGKILL")), opts.timeoutMs) : undefined;
  try {
    const [stdout, stderr] = await Promise.all([new Response(p.stdout).text(), new Response(p.stderr).text(), p.exited]);
    return { stdout, stderr, exitCode: p.signalCode ? null : p.exitCode, signal: p.signalCode, timedOut };
  } finally {
    if (timer) clearTimeout(timer);
  }
}
