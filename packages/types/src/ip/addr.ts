/**
 * An IP address as a family and an unsigned integer value.
 * bigint keeps v4 and v6 on one code path; values are always in range for the family.
 */
export interface IPAddr {
  readonly family: 4 | 6;
  readonly value: bigint;
}

export const V4_MAX = 0xffff_ffffn;
export const V6_MAX = (1n << 128n) - 1n;
/** ::ffff:0:0/96, the IPv4-mapped prefix. */
const V4_MAPPED_PREFIX = 0xffffn << 32n;

export function bitsOf(family: 4 | 6): 32 | 128 {
  return family === 4 ? 32 : 128;
}

export function maxOf(family: 4 | 6): bigint {
  return family === 4 ? V4_MAX : V6_MAX;
}

/** Builds an address; throws RangeError when value does not fit the family. */
export function ipFrom(family: 4 | 6, value: bigint): IPAddr {
  if (value < 0n || value > maxOf(family)) throw new RangeError(`value out of range for IPv${family}`);
  return { family, value };
}

export function v4(a: number, b: number, c: number, d: number): IPAddr {
  return ipFrom(4, BigInt(((a << 24) >>> 0) + (b << 16) + (c << 8) + d));
}

export function isV4Mapped(ip: IPAddr): boolean {
  return ip.family === 6 && ip.value >> 32n === 0xffffn;
}

/** ::ffff:a.b.c.d becomes a.b.c.d; anything else is returned as is (what Go's To4 does for mapped addresses). */
export function unmap(ip: IPAddr): IPAddr {
  return isV4Mapped(ip) ? { family: 4, value: ip.value & V4_MAX } : ip;
}

/** a.b.c.d becomes ::ffff:a.b.c.d. */
export function toV4Mapped(ip: IPAddr): IPAddr {
  return ip.family === 4 ? { family: 6, value: V4_MAPPED_PREFIX | ip.value } : ip;
}

/** Orders by family (v4 first), then value: -1, 0 or 1. */
export function compareIP(a: IPAddr, b: IPAddr): -1 | 0 | 1 {
  if (a.family !== b.family) return a.family < b.family ? -1 : 1;
  return a.value < b.value ? -1 : a.value > b.value ? 1 : 0;
}

export function equalIP(a: IPAddr, b: IPAddr): boolean {
  return a.family === b.family && a.value === b.value;
}

/** Network-order bytes (4 or 16). */
export function toBytes(ip: IPAddr): Uint8Array {
  const n = ip.family === 4 ? 4 : 16;
  const out = new Uint8Array(n);
  let v = ip.value;
  for (let i = n - 1; i >= 0; i--) {
    out[i] = Number(v & 0xffn);
    v >>= 8n;
  }
  return out;
}

/** From 4 or 16 network-order bytes; undefined for any other length. */
export function fromBytes(bytes: Uint8Array): IPAddr | undefined {
  if (bytes.length !== 4 && bytes.length !== 16) return undefined;
  let v = 0n;
  for (const b of bytes) v = (v << 8n) | BigInt(b);
  return { family: bytes.length === 4 ? 4 : 6, value: v };
}
