import { isV4Mapped, type IPAddr } from "./addr.js";

function v4String(v: number): string {
  return `${v >>> 24}.${(v >>> 16) & 255}.${(v >>> 8) & 255}.${v & 255}`;
}

/**
 * Formats like Go's net.IP.String: dotted quad for v4 and for IPv4-mapped v6
 * (Go cannot tell them apart), otherwise RFC 5952: lowercase, no leading
 * zeros, the first longest run of two or more zero groups shortened to "::".
 */
export function formatIP(ip: IPAddr): string {
  if (ip.family === 4) return v4String(Number(ip.value));
  if (isV4Mapped(ip)) return v4String(Number(ip.value & 0xffffffffn));
  return formatV6(ip.value);
}

/** RFC 5952 form without the v4-mapped special case ("::ffff:1.2.3.4" stays hex). */
export function formatV6(value: bigint): string {
  const g = new Array<number>(8);
  let v = value;
  for (let i = 7; i >= 0; i--) {
    g[i] = Number(v & 0xffffn);
    v >>= 16n;
  }
  let bestStart = -1;
  let bestLen = 1; // runs of one group are not shortened
  for (let i = 0; i < 8; ) {
    if (g[i] !== 0) {
      i++;
      continue;
    }
    let j = i;
    while (j < 8 && g[j] === 0) j++;
    if (j - i > bestLen) {
      bestStart = i;
      bestLen = j - i;
    }
    i = j;
  }
  let out = "";
  for (let i = 0; i < 8; i++) {
    if (i === bestStart) {
      out += "::";
      i += bestLen - 1;
      continue;
    }
    if (out !== "" && !out.endsWith(":")) out += ":";
    out += (g[i] as number).toString(16);
  }
  return out;
}
