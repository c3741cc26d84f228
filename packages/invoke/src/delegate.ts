import { CURRENT_VERSION, CniError, ErrorCode, decodeVersionResult } from "@tscni/types";
import { answeredNotImplemented, speaksLifecycle, type LifecycleVerb } from "./lifecycle-support.js";
import { startDelegate, type DelegateAnswer, type DelegateCommand, type DelegateOptions } from "./start.js";

/** The delegate's plugin type, i.e. `ipam.type` of the caller's config (code 7 when absent). */
export function ipamType(config: unknown): string {
  const ipam = (config as { ipam?: unknown } | null)?.ipam;
  const type = (ipam as { type?: unknown } | null | undefined)?.type;
  if (typeof ipam !== "object" || ipam === null) throw new CniError(ErrorCode.InvalidConfig, "missing 'ipam' section in network configuration");
  if (typeof type !== "string" || type === "") throw new CniError(ErrorCode.InvalidConfig, "missing 'ipam.type' in network configuration");
  return type;
}

/**
 * Run a delegated plugin (SPEC.md section 4, "Delegated plugins") and return its JSON
 * result (ADD) or undefined: startDelegate(...).claim(). A delegate's error is rethrown as
 * CniError with the delegate's code and msg.
 */
export async function delegate<C extends DelegateCommand>(command: C, type: string, stdin: string | Buffer, opts: DelegateOptions = {}): Promise<DelegateAnswer<C>> {
  return startDelegate(command, type, stdin, opts).claim();
}

/** ADD through the delegate; a missing result is an error (IPAM must return IPs). */
export async function delegateAdd(type: string, stdin: string | Buffer, opts?: DelegateOptions): Promise<Record<string, unknown>> {
  return delegate("ADD", type, stdin, opts);
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
 * docs/lifecycle.md for INIT and DEINIT). A delegate that predates CNI 1.1 is not sent GC or
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
