import { basename } from "node:path";
import { CniError, ErrorCode, ioFailure } from "@tscni/types/errors";
import { spawnCollect } from "@tscni/net/spawn";

export interface ExecOptions {
  /** Full environment of the child (the caller decides what is inherited). */
  env: NodeJS.ProcessEnv;
  /** Bytes written to the plugin's stdin. */
  stdin: string | Buffer;
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

const TXTBSY_RETRIES = 5;

/** Run a plugin executable once and collect its output. Never throws for a non-zero exit. */
export async function runPlugin(path: string, opts: ExecOptions): Promise<ExecOutput> {
  for (let attempt = 0; ; attempt++) {
    try {
      return await spawnOnce(path, opts);
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

async function spawnOnce(path: string, opts: ExecOptions): Promise<ExecOutput> {
  const argv = opts.wrapper && opts.wrapper.length > 0 ? [...opts.wrapper, path] : [path];
  // @tscni/net's spawn: Bun.spawn under Bun (native), node:child_process under Node.
  const { timedOut, signal, ...out } = await spawnCollect(argv, { env: opts.env, input: opts.stdin, timeoutMs: opts.timeoutMs });
  if (out.stderr && opts.onStderr) opts.onStderr(out.stderr);
  if (timedOut) throw timeoutError(path, opts, out.stderr);
  return { ...out, signal: signal as NodeJS.Signals | null };
}

const timeoutError = (path: string, opts: ExecOptions, stderr: string) =>
  new CniError(ErrorCode.TryAgainLater, `plugin ${basename(path)} timed out after ${opts.timeoutMs} ms and was killed`, stderr.trim() || undefined);

/**
 * Turn a plugin's output into its JSON answer or a CniError carrying the
 * plugin's own code and msg. Empty stdout on success = no result (DEL, CHECK...).
 */
export function interpretOutput(path: string, out: ExecOutput): Record<string, unknown> | undefined {
  const name = basename(path);
  const text = out.stdout.trim();
  const stderr = out.stderr.trim();
  if (out.exitCode === 0) {
    if (text === "") return undefined;
    const parsed = parseJson(text);
    if (!isObject(parsed)) throw new CniError(ErrorCode.DecodeFailure, `plugin ${name} printed invalid JSON`, `stdout: ${snippet(text)}`);
    return parsed;
  }
  const how = out.signal ? `was killed by ${out.signal}` : `exited with status ${out.exitCode}`;
  if (text !== "") {
    const parsed = parseJson(text);
    if (isObject(parsed) && typeof parsed.code === "number") {
      const msg = typeof parsed.msg === "string" ? parsed.msg : `plugin ${name} failed`;
      const details = typeof parsed.details === "string" && parsed.details !== "" ? parsed.details : undefined;
      throw new CniError(parsed.code, msg, details);
    }
    throw new CniError(ErrorCode.Internal, `plugin ${name} ${how} with unparseable error output`, `stdout: ${snippet(text)}${stderr ? `\nstderr: ${stderr}` : ""}`);
  }
  throw new CniError(ErrorCode.Internal, `plugin ${name} ${how} with no error message`, `${path} ${how}; stderr: ${stderr || "(empty)"}`);
}

/** Run a plugin and interpret its answer (see interpretOutput). */
export async function execPlugin(path: string, opts: ExecOptions): Promise<Record<string, unknown> | undefined> {
  return interpretOutput(path, await runPlugin(path, opts));
}

function parseJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}

function isObject(v: unknown): v is Record<string, unknown> {
  return typeof v === "object" && v !== null && !Array.isArray(v);
}

function snippet(s: string): string {
  return JSON.stringify(s.length > 300 ? `${s.slice(0, 300)}...` : s);
}
