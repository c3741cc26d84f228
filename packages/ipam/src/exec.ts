import { basename } from "node:path";
import { CniError } from "@tscni/types";
import { bunSpawn, spawnWithBun } from "./bun-spawn.js";

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
      throw new CniError(5, `failed to exec plugin ${path}: ${(e as Error).message}`);
    }
  }
}

async function spawnOnce(path: string, opts: ExecOptions): Promise<ExecOutput> {
  const argv = opts.wrapper && opts.wrapper.length > 0 ? [...opts.wrapper, path] : [path];
  if (!bunSpawn) return spawnWithNode(path, argv, opts);
  const { timedOut, ...out } = await spawnWithBun(bunSpawn, argv, opts);
  if (out.stderr && opts.onStderr) opts.onStderr(out.stderr);
  if (timedOut) throw timeoutError(path, opts, out.stderr);
  return out;
}

const timeoutError = (path: string, opts: ExecOptions, stderr: string) =>
  new CniError(11, `plugin ${basename(path)} timed out after ${opts.timeoutMs} ms and was killed`, stderr.trim() || undefined);

let nodeSpawn: typeof import("node:child_process").spawn | undefined;

function spawnWithNode(path: string, argv: string[], opts: ExecOptions): Promise<ExecOutput> {
  // Loaded on first use, so a Bun build never evaluates node:child_process.
  nodeSpawn ??= process.getBuiltinModule("node:child_process").spawn;
  const spawn = nodeSpawn;
  return new Promise((resolve, reject) => {
    const [cmd, ...args] = argv;
    const child = spawn(cmd!, args, { env: opts.env, stdio: ["pipe", "pipe", "pipe"] });
    const out: Buffer[] = [];
    const err: Buffer[] = [];
    let timedOut = false;
    const timer =
      opts.timeoutMs && opts.timeoutMs > 0
        ? setTimeout(() => {
            timedOut = true;
            child.kill("SIGKILL");
          }, opts.timeoutMs)
        : undefined;
    child.stdout.on("data", (b: Buffer) => out.push(b));
    child.stderr.on("data", (b: Buffer) => err.push(b));
    // The plugin may exit without reading stdin (EPIPE): that is its answer, not our error.
    child.stdin.on("error", () => {});
    child.on("error", (e) => {
      if (timer) clearTimeout(timer);
      reject(e);
    });
    child.on("close", (exitCode, signal) => {
      if (timer) clearTimeout(timer);
      const stderr = Buffer.concat(err).toString("utf8");
      if (stderr && opts.onStderr) opts.onStderr(stderr);
      if (timedOut) {
        reject(timeoutError(path, opts, stderr));
        return;
      }
      resolve({ stdout: Buffer.concat(out).toString("utf8"), stderr, exitCode, signal });
    });
    child.stdin.end(opts.stdin);
  });
}

/**
 * Turn a plugin's output into its JSON answer or a CniError carrying the
 * plugin's own code and msg. Empty stdout on success = no result (DEL, CHECK...).
 */
export function interpretOutput(path: string, out: ExecOutput): Record<string, unknown> | undefined {
  const name = basename(path);
  const text = out.stdout.trim();
  if (out.exitCode === 0) {
    if (text === "") return undefined;
    const parsed = parseJson(text);
    if (!isObject(parsed)) throw new CniError(6, `plugin ${name} printed invalid JSON: ${snippet(text)}`);
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
    throw new CniError(999, `plugin ${name} ${how} with unparseable error output: ${snippet(text)}`, out.stderr.trim() || undefined);
  }
  const stderr = out.stderr.trim();
  throw new CniError(999, `plugin ${name} ${how} with no error message${stderr ? `: ${snippet(stderr)}` : ""}`);
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
