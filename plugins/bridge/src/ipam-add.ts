import { CniError, ErrorCode } from "@tscni/types";
import { delegateAdd, delegateDel, interpretOutput, type ExecOutput } from "@tscni/invoke";
import { ipamOpts } from "./context.js";
import { claimEarlyIpam, earlyIpam } from "./early-ipam.js";

/**
 * IPAM ADD for add(): the exec the executable started early when it matches (see
 * early-ipam.ts), else a fresh delegateAdd. Same errors as @tscni/invoke's delegate.
 */
export function ipamAdd(type: string, stdin: Buffer, env: Record<string, string | undefined>, onStderr: (text: string) => void): Promise<Record<string, unknown>> {
  const fresh = () => delegateAdd(type, stdin, ipamOpts(env, onStderr));
  const early = claimEarlyIpam(type, stdin, env);
  if (!early) return fresh();
  return early.outcome.then(
    (out) => {
      if (out.stderr) onStderr(out.stderr);
      if (out.timedOut) throw new CniError(ErrorCode.TryAgainLater, `plugin ${type} timed out after 60000 ms and was killed`, out.stderr.trim() || undefined);
      const result = interpretOutput(early.path, out as ExecOutput);
      if (!result) throw new CniError(ErrorCode.DecodeFailure, `delegated plugin ${type} returned no result for ADD`);
      return result;
    },
    (e: NodeJS.ErrnoException) => {
      // A plugin file still open for writing (ETXTBSY): the delegate's retry loop handles it.
      if (e.code === "ETXTBSY") return fresh();
      throw new CniError(ErrorCode.IoFailure, `failed to exec plugin ${early.path}: ${e.message}`);
    },
  );
}

/**
 * The early IPAM ADD when nothing claimed it (the call failed before add() got there):
 * release what it reserved, as add()'s undo would. A call that succeeded without it
 * cannot happen (add() takes it whenever it reaches IPAM); should it, the reservation is
 * kept, as a DEL by container and ifname would release the attachment's own. Errors go
 * to `warn`, never to the result.
 */
export async function releaseUnclaimedIpam(callFailed: boolean, warn: (s: string) => void): Promise<void> {
  const e = earlyIpam();
  if (!e || e.claimed) return;
  if (!callFailed) return warn("bridge: the IPAM exec started early was not used\n");
  const out = await e.outcome.catch(() => undefined);
  if (out?.exitCode !== 0) return; // it reserved nothing
  await delegateDel(e.type, e.stdin, ipamOpts(process.env, warn)).catch((err) => warn(`releasing the early IPAM reservation: ${String(err)}\n`));
}
