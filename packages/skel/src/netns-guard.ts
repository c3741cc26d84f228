import { CniError, ErrorCode } from "@tscni/types";
import { isOwnNetns } from "./precheck.js";

/**
 * Refuses a CNI_NETNS that is the plugin's own network namespace: acting on it would
 * rewire the host. A path that cannot be read is left to the handler (DEL of a gone netns).
 */
export function refuseOwnNetns(netns: string): void {
  if (netns !== "" && isOwnNetns(netns))
    throw new CniError(ErrorCode.InvalidNetNS, "plugin's netns and netns from CNI_NETNS should not be the same");
}
