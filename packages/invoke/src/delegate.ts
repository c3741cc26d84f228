import { CURRENT_VERSION, CniError, ErrorCode, decodeVersionResult } from "@tscni/types";
import { answeredNotImplemented, speaksLifecycle, type LifecycleVerb } from "./lifecycle-support.js";
import { embeddedFor, type EmbeddedPlugins } from "./embedded-for.js";
import { runEmbedded } from "./embedded.js";
import { execDelegatePlugin } from "./delegate-exec.js";
import { interpretOutput } from "./output.js";
import { findPlugin, splitCniPath } from "./find.js";

export type DelegateCommand = "ADD" | "DEL" | "CHECK" | "STATUS" | "GC" | "INIT" | "DEINIT" | "VERSION";

export interface DelegateOptions {
  /** Environment to inherit; default process.env. CNI_COMMAND is overridden, all else passes through. */
  env?: NodeJS.ProcessEnv;
  /** Default 60 s: a hung IPAM plugin must not hang the caller forever. */
  timeoutMs?: number;
  onStderr?: (text: string) => void;
  /** Plugins bundled with the caller, run in-process when CNI_PATH holds that same build. */
  embedded?: EmbeddedPlugins;
}

const DEFAULT_TIMEOUT_MS = 60_000;

/** The delegate's plugin type, i.e. `ipam.type` of the caller's config (code 7 when absent). */
export function ipamType(config: unknown): string {
  const ipam = (config as { ipam?: unknown } | null)?.ipam;
  const type = (ipam as { type?: unknown } | null | undefined)?.type;
  if (typeof ipam !== "object" || ipam === null) throw new CniError(ErrorCode.InvalidConfig, "missing 'ipam' section in network configuration");
  if (typeof type !== "string" || type === "") throw new CniError(ErrorCode.InvalidConfig, "missing 'ipam.type' in network configuration");
  return type;
}

/**
 * Run a delegated plugin (SPEC.md section 4, "Delegated plugins"): look `type` up in
 * CNI_PATH, exec it with the caller's environment and CNI_COMMAND=`command`, feed
 * it the same stdin config. Returns the delegate's JSON result (ADD) or undefined.
 * A delegate's error is rethrown as CniError with the delegate's code and msg.
 */
export async function delegate(
  command: DelegateCommand,
  type: string,
  stdin: string | Buffer,
  opts: DelegateOptions = {},
): Promise<Record<string, unknown> | undefined> {
  const base = opts.env ?? process.env;
  const path = findPlugin(type, splitCniPath(base.CNI_PATH));
  const env = { ...base, CNI_COMMAND: command };
  const inProcess = embeddedFor(type, path, opts.embedded);
  if (inProcess) {
    const out = await runEmbedded(inProcess, env, stdin);
    if (out.stderr && opts.onStderr) opts.onStderr(out.stderr);
    return interpretOutput(path, out);
  }
  const timeoutMs = opts.timeoutMs ?? DEFAULT_TIMEOUT_MS;
  return execDelegatePlugin(path, { env, stdin, timeoutMs, ...(opts.onStderr ? { onStderr: opts.onStderr } : {}) });
}

/** ADD through the delegate; a missing result is an error (IPAM must return IPs). */
export async function delegateAdd(type: string, stdin: string | Buffer, opts?: DelegateOptions): Promise<Record<string, unknown>> {
  const result = await delegate("ADD", type, stdin, opts);
  if (!result) throw new CniError(ErrorCode.DecodeFailure, `delegated plugin ${type} returned no result for ADD`);
  return result;
}

export async function delegateDel(type: string, stdin: string | Buffer, opts?: DelegateOptions): Promise<void> {
  await delegate("DEL", type, stdin, opts);
}

/** The delegate's supportedVersions (its VERSION answer; in-process for an embedded one). */
export async function delegateVersions(type: string, opts?: DelegateOptions): Promise<string[]> {
  const out = await delegate("VERSION", type, JSON.stringify({ cniVersion: CURRENT_VERSION }), opts);
  return decodeVersionResult(out).supportedVersions;
}

/**
 * Forward a lifecycle verb to the delegate (SPEC.md section 4 for GC and STATUS,
 * LIFECYCLE for INIT and DEINIT). A delegate that predates CNI 1.1 is not sent GC or
 * STATUS: it would refuse the 1.1 config, and it has nothing to collect or report that
 * its own DELs do not cover. Its "no such verb" answer to INIT or DEINIT counts as done
 * (answeredNotImplemented).
 */
export async function delegateLifecycle(verb: LifecycleVerb, type: string, stdin: string | Buffer, opts?: DelegateOptions): Promise<void> {
  const versions = () => delegateVersions(type, opts);
  if (verb === "GC" || verb === "STATUS") {
    if (speaksLifecycle(await versions())) await delegate(verb, type, stdin, opts);
    return;
  }
  try {
    await delegate(verb, type, stdin, opts);
  } catch (e) {
    if (!(await answeredNotImplemented(e, versions))) throw e;
  }
}
