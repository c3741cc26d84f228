import { mark, type EarlyCall } from "@tscni/skel";
import { startDelegate } from "@tscni/invoke/start";
import type { BridgeEarly } from "./early.js";

/** ADD: start the IPAM ADD (add() claims it, or it is released unclaimed). */
export function startIpam(call: EarlyCall): BridgeEarly | undefined {
  const type = (call.config.ipam as { type?: unknown } | null | undefined)?.type;
  // Without a container interface there is no IPAM (or the ADD fails first).
  if (call.config.disableContainerInterface === true || typeof type !== "string" || type === "") return undefined;
  const ipam = startDelegate("ADD", type, call.stdin, { env: call.env, onStderr: call.stderr });
  if (!ipam.inProcess && ipam.path) mark(`early IPAM exec started: ${ipam.path}`);
  return { ipam, release: () => ipam.release() };
}
