import { exec, type ExecResult } from "./exec.js";
import { execEnv } from "./exec-env.js";

export interface RunPluginOptions {
  /** CNI_* and anything else; PATH is added from this process unless given. Nothing else is inherited. */
  env?: Record<string, string | undefined>;
  /** Plugin stdin: a string, a Buffer, or an object that is JSON-encoded. */
  stdin?: string | Buffer | object;
  timeoutMs?: number;
  /** Run the file with this interpreter (e.g. a node or bun binary) instead of exec'ing it directly. */
  interpreter?: string;
  /** Run inside this netns (by name) via `ip netns exec`. */
  netns?: string;
  /** Inherit this process's whole environment under `env` (default false: CNI_* of the test runner must not leak). */
  inheritEnv?: boolean;
}

export interface PluginRun extends ExecResult {
  /** stdout parsed as JSON when it is non-empty valid JSON. */
  json?: unknown;
}

/** Encode stdin the way a runtime sends it. */
export function encodeStdin(stdin: RunPluginOptions["stdin"]): string | Buffer {
  if (stdin === undefined) return "";
  if (typeof stdin === "string" || Buffer.isBuffer(stdin)) return stdin;
  return JSON.stringify(stdin);
}

/** Parse stdout as JSON, or undefined. */
export function parseJson(stdout: string): unknown {
  if (stdout.trim() === "") return undefined;
  try {
    return JSON.parse(stdout);
  } catch {
    return undefined;
  }
}

/**
 * Exec a plugin executable the way a container runtime does: explicit env, config on stdin.
 * The env goes through execEnv, so a NUL ends a value as it would in execve (Node's spawn
 * would refuse it) and the child sees exactly what runInProcess hands a plugin.
 */
export async function runExecutable(path: string, opts: RunPluginOptions = {}): Promise<PluginRun> {
  const merged: Record<string, string | undefined> = opts.inheritEnv ? { ...process.env } : {};
  if (process.env.PATH !== undefined) merged.PATH = process.env.PATH;
  for (const [k, v] of Object.entries(opts.env ?? {})) {
    if (v === undefined) delete merged[k];
    else merged[k] = v;
  }
  const env = execEnv(merged);
  let argv = opts.interpreter ? [opts.interpreter, path] : [path];
  if (opts.netns) argv = ["ip", "netns", "exec", opts.netns, ...argv];
  const r = await exec(argv, { env, stdin: encodeStdin(opts.stdin), timeoutMs: opts.timeoutMs });
  const json = parseJson(r.stdout);
  return json === undefined ? r : { ...r, json };
}
