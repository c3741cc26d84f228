import { CniError, ErrorCode } from "@tscni/types/errors";
import { embeddedFor } from "./embedded-for.js";
import { runEmbedded } from "./embedded.js";
import { interpretOutput, runPlugin } from "./exec.js";
import { findPlugin, splitCniPath } from "./find.js";

/*
 * The one path by which a plugin calls a delegate (SPEC.md section 4). Light imports only:
 * an early hook starts delegations before the plugin's modules load.
 */

export type DelegateCommand = "ADD" | "DEL" | "CHECK" | "STATUS" | "GC" | "INIT" | "DEINIT" | "VERSION";

export interface DelegateOptions {
  /** Environment to inherit; default process.env. CNI_COMMAND is overridden, all else passes through. */
  env?: NodeJS.ProcessEnv;
  /** Default 60 s: a hung IPAM plugin must not hang the caller forever (exec'd delegates only). */
  timeoutMs?: number;
  onStderr?: (text: string) => void;
}

export const DEFAULT_TIMEOUT_MS = 60_000;

/** A delegate's answer: its JSON result (ADD always has one) or undefined. */
export type DelegateAnswer<C extends DelegateCommand> = C extends "ADD" ? Record<string, unknown> : Record<string, unknown> | undefined;

/** One call of a delegate plugin, started by startDelegate. */
export interface Delegation<C extends DelegateCommand = DelegateCommand> {
  readonly command: C;
  readonly type: string;
  /** The file CNI_PATH gave for `type`; undefined when it could not be found (claim() rejects with why). */
  readonly path: string | undefined;
  /** It runs in this process: CNI_PATH's file is the same build of a delegate this executable embeds. */
  readonly inProcess: boolean;
  /** claim() was called: the caller owns the call, its answer and its release. */
  readonly claimed: boolean;
  /**
   * The delegate's answer, as `delegate()` gives it: its error JSON rethrown as a CniError with
   * its code, a crash 999, bad JSON 6, a timeout 11, a delegate not found 50 (code 4 naming
   * CNI_PATH when that is missing). An in-process delegate runs now.
   */
  claim(): Promise<DelegateAnswer<C>>;
  /**
   * Undo an ADD: a DEL to the same delegate with the same stdin and env, once the ADD has
   * answered, when it succeeded. Nothing for an ADD that failed or never ran, or for other
   * verbs. Runs once; rejects with the DEL's error.
   */
  release(): Promise<void>;
}

/**
 * Start calling the delegate `type` with `command`: find it in CNI_PATH and exec it now,
 * with the caller's env (CNI_COMMAND replaced) and `stdin`, so its start-up overlaps the
 * caller's own work; or, when the file found carries the identity of a delegate this
 * build embeds (registerEmbedded), run that in-process when claimed. Never throws: what
 * went wrong comes from claim().
 */
export function startDelegate<C extends DelegateCommand>(command: C, type: string, stdin: string | Buffer, opts: DelegateOptions = {}): Delegation<C> {
  const base = opts.env ?? process.env;
  let path: string | undefined;
  let notFound: unknown;
  try {
    path = findPlugin(type, splitCniPath(base.CNI_PATH));
  } catch (e) {
    notFound = e;
  }
  const embedded = path === undefined ? undefined : embeddedFor(type, path);
  const env = { ...base, CNI_COMMAND: command };

  const call = async (): Promise<Record<string, unknown> | undefined> => {
    if (path === undefined) throw notFound;
    if (embedded) {
      const out = await runEmbedded(embedded, env, stdin);
      if (out.stderr) opts.onStderr?.(out.stderr);
      return interpretOutput(path, out);
    }
    const timeoutMs = opts.timeoutMs ?? DEFAULT_TIMEOUT_MS;
    return interpretOutput(path, await runPlugin(path, { env, stdin, timeoutMs, ...(opts.onStderr ? { onStderr: opts.onStderr } : {}) }));
  };
  // An exec starts at once; in-process work would hold this thread, so it waits for claim().
  let answer = path !== undefined && !embedded ? call() : undefined;
  answer?.catch(() => {}); // claimed or released later; never an unhandled rejection
  let claimed = false;
  let released: Promise<void> | undefined;

  return {
    command,
    type,
    path,
    inProcess: embedded !== undefined,
    get claimed() {
      return claimed;
    },
    claim() {
      claimed = true;
      answer ??= call();
      return answer.then((result) => {
        if (command === "ADD" && !result) throw new CniError(ErrorCode.DecodeFailure, `delegated plugin ${type} returned no result for ADD`);
        return result as DelegateAnswer<C>;
      });
    },
    release() {
      released ??= (async () => {
        if (command !== "ADD" || !answer) return;
        if (!(await answer.then(() => true, () => false))) return; // it reserved nothing
        await startDelegate("DEL", type, stdin, opts).claim();
      })();
      return released;
    },
  };
}
