import { CniError, ErrorCode } from "./errors.js";

/*
 * The rules for names, once: network names and container IDs (libcni's and Go skel's
 * character class), interface names (the kernel's dev_valid_name plus what cannot name the
 * interface that was asked for). skel, @tscni/net and the runtime all check with these.
 * Only ./errors.js is imported: code that runs before the rest loads uses it too.
 */

/** Container IDs and network names. */
export const VALID_NAME = /^[a-zA-Z0-9][a-zA-Z0-9_.\-]*$/;
/** A plugin's file name (a config's `type`, a name in CNI_PATH or in a multi-call file). */
const PLUGIN_NAME = /^[A-Za-z0-9][A-Za-z0-9_.+-]*$/;
/** NAME_MAX: a plugin name is one path component. */
export const MAX_PLUGIN_NAME_BYTES = 255;

/** Whether `name` can be a plugin's file name. */
export const isPluginName = (name: string): boolean => PLUGIN_NAME.test(name) && Buffer.byteLength(name) <= MAX_PLUGIN_NAME_BYTES;

/** IFNAMSIZ - 1. */
export const MAX_IFNAME_BYTES = 15;

/** Why `name` cannot be an interface name ([msg, details?]), or undefined when it can. */
export function ifNameProblem(name: string): [string, string?] | undefined {
  if (name.length === 0) return ["interface name is empty"];
  if (Buffer.byteLength(name) > MAX_IFNAME_BYTES) return ["interface name is too long", `interface name should be at most ${MAX_IFNAME_BYTES} bytes`];
  if (name === "." || name === "..") return ["interface name is . or .."];
  if (/[/:\s]/u.test(name)) return ["interface name contains / or : or whitespace characters"];
  // The kernel reads "%" as a name template ("eth%d" becomes eth0) and control characters
  // cannot be typed back: neither can name the interface that was asked for. Quotes,
  // backslash and "#" are legal to the kernel but end or escape a word in `ip -batch`.
  if (/[%\x00-\x1f\x7f]/u.test(name)) return ["interface name contains % or a control character"];
  if (/["'\\#]/u.test(name)) return ["interface name contains a quote, a backslash or #"];
  return undefined;
}

/** `name` when it can name an interface; else CniError(`code`) naming `what`. */
export function checkIfName(name: string, what = "interface name", code: number = ErrorCode.InvalidConfig): string {
  const problem = typeof name === "string" ? ifNameProblem(name) : ["not a string"];
  if (problem) throw new CniError(code, `invalid ${what}: ${problem[0]}`, `${problem[1] ? `${problem[1]}; ` : ""}${what} is ${JSON.stringify(name)}`);
  return name;
}

export function validateContainerId(id: string): void {
  if (id === "") throw new CniError(ErrorCode.UnknownContainer, "missing containerID");
  if (!VALID_NAME.test(id)) throw new CniError(ErrorCode.InvalidEnv, "invalid characters in containerID", `CNI_CONTAINERID is ${JSON.stringify(id)}`);
}

export function validateNetworkName(name: string): void {
  if (name === "") throw new CniError(ErrorCode.InvalidConfig, "missing network name");
  if (!VALID_NAME.test(name)) throw new CniError(ErrorCode.InvalidConfig, "invalid characters found in network name", `name is ${JSON.stringify(name)}`);
}

/** CNI_IFNAME: the interface-name rule, as an env error (code 4). */
export function validateIfName(name: string): void {
  const problem = ifNameProblem(name);
  if (problem) throw new CniError(ErrorCode.InvalidEnv, problem[0], `${problem[1] ? `${problem[1]}; ` : ""}CNI_IFNAME is ${JSON.stringify(name)}`);
}
