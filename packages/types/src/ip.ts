// Small IP/CIDR parsing with Go's net.ParseIP / net.ParseCIDR acceptance rules
// (no zones, no leading zeros in IPv4 parts), so results that Go rejects are rejected here.

function parseIPv4(s: string): number[] | null {
  const parts = s.split(".");
  if (parts.length !== 4) return null;
  const out: number[] = [];
  for (const p of parts) {
    if (!/^(0|[1-9]\d{0,2})$/.test(p)) return null;
    const n = Number(p);
    if (n > 255) return null;
    out.push(n);
  }
  return out;
}

function parseIPv6(s: string): number[] | null {
  if (!s.includes(":")) return null;
  let head = s;
  let tail: number[] = [];
  // An embedded dotted IPv4 at the end stands for the last two groups.
  const lastColon = s.lastIndexOf(":");
  if (s.indexOf(".", lastColon) !== -1) {
    const v4 = parseIPv4(s.slice(lastColon + 1));
    if (!v4) return null;
    head = s.slice(0, lastColon + 1);
    // "::1.2.3.4" -> head "::", "a:b::1.2.3.4" -> head "a:b::", "1:2:3:4:5:6:1.2.3.4" -> head "1:...:6:"
    if (!head.endsWith("::")) head = head.slice(0, -1);
    tail = [(v4[0]! << 8) | v4[1]!, (v4[2]! << 8) | v4[3]!];
  }
  const dbl = head.indexOf("::");
  if (dbl !== -1 && head.indexOf("::", dbl + 1) !== -1) return null;
  const groups = (part: string): number[] | null => {
    if (part === "") return [];
    const out: number[] = [];
    for (const g of part.split(":")) {
      if (!/^[0-9a-fA-F]{1,4}$/.test(g)) return null;
      out.push(parseInt(g, 16));
    }
    return out;
  };
  let words: number[];
  if (dbl === -1) {
    const all = groups(head);
    if (!all) return null;
    words = [...all, ...tail];
    if (words.length !== 8) return null;
  } else {
    const left = groups(head.slice(0, dbl));
    const right = groups(head.slice(dbl + 2));
    if (!left || !right) return null;
    const fill = 8 - left.length - right.length - tail.length;
    if (fill < 1) return null;
    words = [...left, ...new Array<number>(fill).fill(0), ...right, ...tail];
  }
  const bytes: number[] = [];
  for (const w of words) bytes.push(w >> 8, w & 0xff);
  return bytes;
}

/** "4", "6" or null. Like Go's To4(): an IPv4-mapped IPv6 address (::ffff:a.b.c.d) counts as "4". */
export function ipVersion(ip: string): "4" | "6" | null {
  if (parseIPv4(ip)) return "4";
  const b = parseIPv6(ip);
  if (!b) return null;
  const mapped = b.slice(0, 10).every((x) => x === 0) && b[10] === 0xff && b[11] === 0xff;
  return mapped ? "4" : "6";
}

export function isIP(s: string): boolean {
  return ipVersion(s) !== null;
}

/** "addr/prefix" with prefix within the literal's address length. Returns the address's version or null. */
export function cidrVersion(s: string): "4" | "6" | null {
  const slash = s.indexOf("/");
  if (slash === -1) return null;
  const addr = s.slice(0, slash);
  const prefix = s.slice(slash + 1);
  if (!/^\d{1,3}$/.test(prefix)) return null;
  const bits = parseIPv4(addr) ? 32 : parseIPv6(addr) ? 128 : 0;
  if (bits === 0 || Number(prefix) > bits) return null;
  return ipVersion(addr);
}

export function isCIDR(s: string): boolean {
  return cidrVersion(s) !== null;
}
