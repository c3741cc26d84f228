import { CniError, ErrorCode } from "@tscni/types";

// Same character class libcni and Go's skel accept for container IDs and network names.
const VALID_NAME = /^[a-zA-Z0-9][a-zA-Z0-9_.\-]*$/;
const MAX_IFNAME = 15; // IFNAMSIZ - 1

export function validateContainerId(id: string): void {
  if (id === "") throw new CniError(ErrorCode.UnknownContainer, "missing containerID");
  if (!VALID_NAME.test(id)) throw new CniError(ErrorCode.InvalidEnv, "invalid characters in containerID", id);
}

export function validateNetworkName(name: string): void {
  if (name === "") throw new CniError(ErrorCode.InvalidConfig, "missing network name");
  if (!VALID_NAME.test(name)) throw new CniError(ErrorCode.InvalidConfig, "invalid characters found in network name", name);
}

export function validateIfName(name: string): void {
  if (name.length === 0) throw new CniError(ErrorCode.InvalidEnv, "interface name is empty");
  if (Buffer.byteLength(name) > MAX_IFNAME)
    throw new CniError(ErrorCode.InvalidEnv, "interface name is too long", `interface name should be at most ${MAX_IFNAME} bytes`);
  if (name === "." || name === "..") throw new CniError(ErrorCode.InvalidEnv, "interface name is . or ..");
  if (/[/:\s]/u.test(name)) throw new CniError(ErrorCode.InvalidEnv, "interface name contains / or : or whitespace characters");
  // The kernel reads "%" as a name template ("eth%d" becomes eth0) and control characters
  // cannot be typed back: neither can name the interface the runtime asked for.
  if (/[%\x00-\x1f\x7f]/u.test(name)) throw new CniError(ErrorCode.InvalidEnv, "interface name contains % or a control character");
}
