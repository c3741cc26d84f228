import { basename } from "node:path";
import { CniError, ErrorCode, ioFailure } from "@tscni/types/errors";
import type { SpawnInput, SpawnOutcome, SpawnRequest } from "@tscni/net/spawn";

export interface ExecOptions {
  /** Full environment of the child (the caller decides what is inherited). */
  env: NodeJS.ProcessEnv;
  /** Bytes written to the plugin's stdin; a promise lets the plugin start before they are known. */
  stdin: SpawnInput;
  /** Kill the plugin (SIGKILL) after this many ms. 0 = no timeout. */
  timeoutMs?: number;
  /**
   * Program + args to run the plugin through, e.g. ["ip", "netns", "exec", "host1"]:
   * the plugin path is appended. Lets a runtime run plugins inside another netns.
   */
  wrapper?: readonly string[];
  /** Called with the plugin's stderr (plugins log there). Default: discarded. */
  onStderr?: (text: string) => void;
}

export interface ExecOutput {
  stdout: string;
  stderr: string;
  exitCode: number | null;
  signal: NodeJS.Signals | null;
}

/** What starts the program: execa (runProgram) or @tscni/net's spawnCollect; one contract. */
export type Starter = (argv: readonly string[], req: SpawnRequest) => Promise<SpawnOutcome>;

const TXTBSY_RETRIES = 5;

/** Run a plugin executable once with `start` and collect its output. Never throws for a non-zero exit. */
export async function startPlugin(start: Starter, path: string, opts: ExecOptions): Promise<ExecOutput> {
  for (let attempt = 0; ; attempt++) {
    try {
      return await startOnce(start, path, opts);
    } catch (e) {
      if (e instanceof CniError) throw e;
      // A freshly written executable can still be open for writing in another
      // process (fork race): retry briefly as Go's invoke does.
      if ((e as NodeJS.ErrnoException).code === "ETXTBSY" && attempt < TXTBSY_RETRIES) {
        await new Promise((r) => setTimeout(r, 50 * (attempt + 1)));
        continue;
      }
      throw ioFailure(`failed to exec plugin ${path}`, e);
    }
  }
}

async function startOnce(start: Starter, path: string, opts: ExecOptions): Promise<ExecOutput> {
  const argv = opts.wrapper && opts.wrapper.length > 0 ? [...opts.wrapper, path] : [path];
  const { timedOut, signal, ...out } = await start(argv, { env: opts.env, input: opts.stdin, timeoutMs: opts.timeoutMs });
  if (out.stderr && opts.onStderr) opts.onStderr(out.stderr);
  if (timedOut) throw timeoutError(path, opts, out.stderr);
  return { ...out, signal: signal as NodeJS.Signals | null };
}

const timeoutError = (path: string, opts: ExecOptions, stderr: string) =>
  new CniError(ErrorCode.TryAgainLater, `plugin ${basename(path)} timed out after ${opts.timeoutMs} ms and was killed`, stderr.trim() || undefined);
