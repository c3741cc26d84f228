import { CniError, ErrorCode } from "@tscni/types/errors";
import type { CmdEnv } from "./env.js";
import { isOwnNetns } from "./precheck.js";

/**
 * Whether skel refuses the call's CNI_NETNS: for ADD, CHECK and DEL (unless
 * CNI_NETNS_OVERRIDE), the plugin's own network namespace, since acting on it would rewire
 * the host. A path that cannot be read is left to the handler (DEL of a gone netns).
 */
export function refusesNetns(cmd: CmdEnv): boolean {
  const guarded = cmd.command === "ADD" || cmd.command === "CHECK" || cmd.command === "DEL";
  return guarded && !cmd.netnsOverride && cmd.netns !== "" && isOwnNetns(cmd.netns);
}

export const ownNetnsError = (): CniError =>
  new CniError(ErrorCode.InvalidNetNS, "plugin's netns and netns from CNI_NETNS should not be the same");
