// Version checks on address text, built on the one parser (ip/: Go's net.ParseIP and
// net.ParseCIDR acceptance rules), so what the schemas accept is what the arithmetic reads.
import { isV4Mapped, type IPAddr } from "./ip/addr.js";
import { parseCIDR } from "./ip/cidr.js";
import { parseIP } from "./ip/parse.js";

/** Like Go's To4(): an IPv4-mapped IPv6 address (::ffff:a.b.c.d) counts as "4". */
const versionOf = (ip: IPAddr): "4" | "6" => (ip.family === 4 || isV4Mapped(ip) ? "4" : "6");

/** "4", "6" or null. */
export function ipVersion(ip: string): "4" | "6" | null {
  const p = parseIP(ip);
  return p ? versionOf(p) : null;
}

export function isIP(s: string): boolean {
  return parseIP(s) !== undefined;
}

/** "addr/prefix" with the prefix within the literal's address length: the address's version, or null. */
export function cidrVersion(s: string): "4" | "6" | null {
  const c = parseCIDR(s);
  return c ? versionOf(c.ip) : null;
}

export function isCIDR(s: string): boolean {
  return parseCIDR(s) !== undefined;
}
