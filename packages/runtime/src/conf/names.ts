import { CniError } from "@tscni/types";

// Same character rules as libcni (pkg/utils): names end up in file names and env vars.
const NAME_RE = /^[a-zA-Z0-9][a-zA-Z0-9_.-]*$/;

export function validateNetworkName(name: string): void {
  if (!name) throw new CniError(7, "missing network name");
  if (!NAME_RE.test(name)) throw new CniError(7, `invalid network name ${JSON.stringify(name)}: must match ${NAME_RE.source}`);
}

export function validateContainerId(id: string): void {
  if (!id) throw new CniError(4, "missing container ID");
  if (!NAME_RE.test(id)) throw new CniError(4, `invalid container ID ${JSON.stringify(id)}: must match ${NAME_RE.source}`);
}

export function validateIfName(name: string): void {
  if (!name) throw new CniError(4, "missing interface name");
  if (name.length > 15) throw new CniError(4, `interface name ${JSON.stringify(name)} is longer than 15 characters`);
  if (name === "." || name === ".." || /[/:\s]/.test(name)) throw new CniError(4, `invalid interface name ${JSON.stringify(name)}`);
}
