import type { ChildProcess } from "node:child_process";

/** How a program ended, with everything it printed. */
export interface SpawnOutcome {
  stdout: string;
  stderr: string;
  /** null when killed by a signal. */
  exitCode: number | null;
  signal: string | null;
  /** Killed (SIGKILL) because it ran longer than `timeoutMs`. */
  timedOut: boolean;
}

/** Bytes for stdin; a promise lets the program start (exec, load, set up) before they are known. */
export type SpawnInput = string | Buffer | Promise<string | Buffer>;

export interface SpawnRequest {
  env: Record<string, string | undefined>;
  /**
   * Written to stdin, then closed; without it stdin is /dev/null. A promise is written
   * when it resolves; when it rejects, stdin is closed empty.
   */
  input?: SpawnInput | undefined;
  /** Kill it (SIGKILL) after this long; 0 or absent: no limit. */
  timeoutMs?: number | undefined;
}

interface BunSubprocess {
  stdin: { write(b: Uint8Array): unknown; end(): unknown } | undefined;
  stdout: ReadableStream<Uint8Array>;
  stderr: ReadableStream<Uint8Array>;
  exited: Promise<number>;
  exitCode: number | null;
  signalCode: string | null;
  kill(signal: string): void;
}
type BunSpawn = (argv: string[], o: { env: Record<string, string | undefined>; stdin: Uint8Array | "ignore" | "pipe"; stdout: "pipe"; stderr: "pipe" }) => BunSubprocess;

// Under Bun (the standalone build), Bun.spawn is native; node:child_process there is a JS
// layer, slower to load and to spawn with (docs/architecture.md, "Running programs").
const bunSpawn = (globalThis as { Bun?: { spawn: BunSpawn } }).Bun?.spawn;

/**
 * Run argv[0] (PATH lookup as execvp) with argv, collect its output. Rejects with the
 * errno error (code ENOENT, EACCES, ETXTBSY...) when it cannot be started at all.
 */
export function spawnCollect(argv: readonly string[], req: SpawnRequest): Promise<SpawnOutcome> {
  return bunSpawn ? viaBun(bunSpawn, argv, req) : viaNode(argv, req);
}

const bytes = (b: string | Buffer): Buffer => (typeof b === "string" ? Buffer.from(b) : b);

async function viaBun(spawn: BunSpawn, argv: readonly string[], req: SpawnRequest): Promise<SpawnOutcome> {
  const { input } = req;
  const later = input instanceof Promise;
  const p = spawn([...argv], { env: req.env, stdin: input === undefined ? "ignore" : later ? "pipe" : bytes(input), stdout: "pipe", stderr: "pipe" });
  if (later) {
    const sink = p.stdin!;
    const close = (b?: string | Buffer) => {
      try {
        if (b !== undefined) sink.write(bytes(b));
        sink.end();
      } catch {
        // EPIPE: the program already exited; its status tells the story
      }
    };
    input.then(close, () => close());
  }
  let timedOut = false;
  const timer = req.timeoutMs ? setTimeout(() => ((timedOut = true), p.kill("SIGKILL")), req.timeoutMs) : undefined;
  try {
    const [stdout, stderr] = await Promise.all([new Response(p.stdout).text(), new Response(p.stderr).text(), p.exited]);
    return { stdout, stderr, exitCode: p.signalCode ? null : p.exitCode, signal: p.signalCode, timedOut };
  } finally {
    clearTimeout(timer);
  }
}

let nodeSpawn: typeof import("node:child_process").spawn | undefined;

function viaNode(argv: readonly string[], req: SpawnRequest): Promise<SpawnOutcome> {
  // Loaded on first use, so Bun never evaluates node:child_process.
  nodeSpawn ??= process.getBuiltinModule("node:child_process").spawn;
  const [file, ...args] = argv;
  return new Promise((resolve, reject) => {
    const child: ChildProcess = nodeSpawn!(file!, args, {
      stdio: [req.input === undefined ? "ignore" : "pipe", "pipe", "pipe"],
      env: req.env,
    });
    const out: Buffer[] = [];
    const err: Buffer[] = [];
    child.stdout!.on("data", (d: Buffer) => out.push(d));
    child.stderr!.on("data", (d: Buffer) => err.push(d));
    let spawnError: Error | undefined;
    let timedOut = false;
    const timer = req.timeoutMs ? setTimeout(() => ((timedOut = true), child.kill("SIGKILL")), req.timeoutMs) : undefined;
    child.on("error", (e) => (spawnError = e));
    child.on("close", (code, signal) => {
      clearTimeout(timer);
      if (spawnError) reject(spawnError);
      else resolve({ stdout: Buffer.concat(out).toString("utf8"), stderr: Buffer.concat(err).toString("utf8"), exitCode: code, signal, timedOut });
    });
    const { input } = req;
    if (input !== undefined) {
      const stdin = child.stdin!;
      stdin.on("error", () => {}); // EPIPE if the program exits early; its exit status tells the story
      if (input instanceof Promise) input.then((b) => stdin.end(b), () => stdin.end());
      else stdin.end(input);
    }
  });
}
