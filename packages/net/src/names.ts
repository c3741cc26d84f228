import { CniError, ErrorCode } from "@tscni/types";

export { checkIfName } from "@tscni/types/names";

const MAC = /^[0-9a-f]{2}(?::[0-9a-f]{2}){5}$/i;
export function checkMac(mac: string): string {
  if (!MAC.test(mac)) throw new CniError(ErrorCode.InvalidConfig, `invalid MAC address ${JSON.stringify(mac)}`);
  return mac.toLowerCase();
}

export function checkInt(n: number, min: number, max: number, what: string): string {
  if (!Number.isInteger(n) || n < min || n > max) throw new CniError(ErrorCode.InvalidConfig, `invalid ${what} ${n} (want ${min}..${max})`);
  return String(n);
}

/** Addresses/prefixes as iproute2 reads them: hex digits, dots, colons, one "/len". */
export function checkAddr(s: string, what = "address"): string {
  if (!/^[0-9a-fA-F.:]+(?:\/\d{1,3})?$/.test(s) || !/[.:]/.test(s)) throw new CniError(ErrorCode.InvalidConfig, `invalid ${what} ${JSON.stringify(s)}`);
  return s;
}

export const isV6 = (addr: string): boolean => addr.includes(":");

/** "veth" + 8 random hex digits, the Go plugins' host-side naming. */
export function randomVethName(): string {
  const b = new Uint8Array(4);
  crypto.getRandomValues(b);
  return "veth" + Array.from(b, (x) => x.toString(16).padStart(2, "0")).join("");
}
