import { statSync } from "node:fs";
import { CniError, ErrorCode } from "@tscni/types";

/**
 * Refuses a CNI_NETNS that is the plugin's own network namespace: acting on it would
 * rewire the host. A path that cannot be read is left to the handler (DEL of a gone netns).
 */
export function refuseOwnNetns(netns: string): void {
  if (netns === "") return;
  let target, own;
  try {
    target = statSync(netns);
    own = statSync("/proc/self/ns/net");
  } catch {
    return;
  }
  if (target.ino === own.ino && target.dev === own.dev)
    throw new CniError(ErrorCode.InvalidNetNS, "plugin's netns and netns from CNI_NETNS should not be the same");
}
