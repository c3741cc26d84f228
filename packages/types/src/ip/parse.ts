import type { IPAddr } from "./addr.js";

/**
 * Parses an IP address literal with the rules of Go's net.ParseIP:
 * dotted-quad v4 without leading zeros, v6 with one optional "::" and an
 * optional trailing dotted v4; no zones, no brackets, no whitespace.
 * IPv4-mapped v6 literals stay family 6 (use `unmap` to get the v4 address).
 */
export function parseIP(s: string): IPAddr | undefined {
  if (s.includes(":")) return parseV6(s);
  const v = parseV4Number(s);
  return v === undefined ? undefined : { family: 4, value: BigInt(v) };
}

/** Dotted quad to a uint32 number, or undefined. */
function parseV4Number(s: string): number | undefined {
  let value = 0;
  let parts = 0;
  let i = 0;
  const n = s.length;
  while (parts < 4) {
    const start = i;
    let field = 0;
    while (i < n) {
      const c = s.charCodeAt(i);
      if (c < 48 || c > 57) break;
      field = field * 10 + (c - 48);
      i++;
    }
    const len = i - start;
    if (len === 0 || len > 3 || field > 255) return undefined;
    if (len > 1 && s.charCodeAt(start) === 48) return undefined; // leading zero: ambiguous (octal?)
    value = value * 256 + field;
    parts++;
    if (parts < 4) {
      if (s.charCodeAt(i) !== 46) return undefined;
      i++;
    }
  }
  return i === n ? value : undefined;
}

function hexVal(c: number): number {
  if (c >= 48 && c <= 57) return c - 48;
  if (c >= 97 && c <= 102) return c - 87;
  if (c >= 65 && c <= 70) return c - 55;
  return -1;
}

function parseV6(s: string): IPAddr | undefined {
  const groups: number[] = [];
  let ellipsis = -1; // index in groups where "::" sits
  let i = 0;
  const n = s.length;
  if (n >= 2 && s.charCodeAt(0) === 58 && s.charCodeAt(1) === 58) {
    ellipsis = 0;
    i = 2;
    if (i === n) return { family: 6, value: 0n };
  }
  while (i < n) {
    if (groups.length >= 8) return undefined;
    // A trailing dotted quad takes two groups.
    let j = i;
    let field = 0;
    while (j < n && j - i < 5) {
      const h = hexVal(s.charCodeAt(j));
      if (h < 0) break;
      field = field * 16 + h;
      j++;
    }
    if (j < n && s.charCodeAt(j) === 46) {
      if (groups.length > 6) return undefined;
      const v4 = parseV4Number(s.slice(i));
      if (v4 === undefined) return undefined;
      groups.push(v4 >>> 16, v4 & 0xffff);
      i = n;
      break;
    }
    const len = j - i;
    if (len === 0 || len > 4) return undefined;
    groups.push(field);
    i = j;
    if (i === n) break;
    if (s.charCodeAt(i) !== 58) return undefined;
    i++;
    if (i < n && s.charCodeAt(i) === 58) {
      if (ellipsis >= 0) return undefined;
      ellipsis = groups.length;
      i++;
      if (i === n) break;
    } else if (i === n) {
      return undefined; // trailing single colon
    }
  }
  if (ellipsis >= 0) {
    if (groups.length > 7) return undefined; // "::" must stand for at least one group
    const fill = 8 - groups.length;
    groups.splice(ellipsis, 0, ...new Array<number>(fill).fill(0));
  } else if (groups.length !== 8) {
    return undefined;
  }
  let value = 0n;
  for (const g of groups) value = (value << 16n) | BigInt(g);
  return { family: 6, value };
}
