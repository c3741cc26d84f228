import { bitsOf, formatIP, lastOf, networkOf, parseIP, type CIDR, type IPAddr } from "@tscni/types/ip";
import { isReservedAddress, rangeFor, type Range } from "@tscni/ipam-ranges";
import { blockPrefix, type PoolConfig } from "./config.js";

type Pool = Pick<PoolConfig, "ranges" | "blockSize">;

/** A block: a CIDR of the pool's block size inside one range set. */
export interface Block {
  /** The block's name in keys: its CIDR with "-" for "/" (10.200.0.64-26). */
  name: string;
  cidr: CIDR;
  /** Index of the range set it belongs to. */
  set: number;
}

export interface Address {
  ip: IPAddr;
  range: Range;
}

export const blockName = (c: CIDR): string => `${formatIP(c.ip)}-${c.prefix}`;

export function parseBlockName(name: string): CIDR | undefined {
  const dash = name.lastIndexOf("-");
  const ip = parseIP(name.slice(0, dash));
  const prefix = Number(name.slice(dash + 1));
  if (dash < 0 || !ip || !Number.isInteger(prefix) || prefix < 0 || prefix > bitsOf(ip.family)) return undefined;
  return { ip, prefix };
}

function block(cidr: CIDR, set: number): Block {
  return { name: blockName(cidr), cidr, set };
}

/** The block holding `ip` in range set `set`, or undefined when no range of the set contains it. */
export function blockOf(pool: Pool, set: number, ip: IPAddr): Block | undefined {
  const r = rangeFor(pool.ranges[set] ?? [], ip);
  if (!r) return undefined;
  const prefix = blockPrefix(pool, r);
  return block({ ip: networkOf({ ip, prefix }), prefix }, set);
}

/** The block a stored name stands for under the current config (undefined: not a block of this pool). */
export function blockByName(pool: Pool, name: string): Block | undefined {
  const cidr = parseBlockName(name);
  if (!cidr || networkOf(cidr).value !== cidr.ip.value) return undefined;
  const last = lastOf(cidr).value;
  for (let set = 0; set < pool.ranges.length; set++) {
    const meets = (pool.ranges[set] ?? []).some(
      (r) => r.start.family === cidr.ip.family && r.start.value <= last && r.end.value >= cidr.ip.value && blockPrefix(pool, r) === cidr.prefix,
    );
    if (meets) return block(cidr, set);
  }
  return undefined;
}

/** The addresses of a block that can be handed out: inside a range of its set, not reserved. In address order. */
export function blockAddresses(pool: Pool, b: Block): Address[] {
  const first = b.cidr.ip.value;
  const last = lastOf(b.cidr).value;
  const out: Address[] = [];
  for (const range of pool.ranges[b.set] ?? []) {
    if (range.start.family !== b.cidr.ip.family) continue;
    const lo = range.start.value > first ? range.start.value : first;
    const hi = range.end.value < last ? range.end.value : last;
    for (let v = lo; v <= hi; v++) {
      const ip = { family: b.cidr.ip.family, value: v };
      if (!isReservedAddress(range, ip)) out.push({ ip, range });
    }
  }
  return out.sort((x, y) => (x.ip.value < y.ip.value ? -1 : 1));
}

/**
 * The blocks of a range set, each once, starting at block number `start` (mod their
 * count) and wrapping around: nodes starting at different points rarely race for the same
 * free block. Lazy: a v6 range holds more blocks than could ever be listed.
 */
export function* blocksOf(pool: Pool, set: number, start: number): Generator<Block> {
  const segs = (pool.ranges[set] ?? []).map((r) => {
    const prefix = blockPrefix(pool, r);
    const step = 1n << BigInt(bitsOf(r.start.family) - prefix);
    const first = networkOf({ ip: r.start, prefix }).value;
    const count = (networkOf({ ip: r.end, prefix }).value - first) / step + 1n;
    return { family: r.start.family, prefix, step, first, count };
  });
  const total = segs.reduce((n, s) => n + s.count, 0n);
  if (total === 0n) return;
  const seen = new Set<string>(); // two ranges of a set may meet in one block
  for (let i = 0n, k = BigInt(start) % total; i < total; i++, k = (k + 1n) % total) {
    let rest = k;
    for (const s of segs) {
      if (rest < s.count) {
        const b = block({ ip: { family: s.family, value: s.first + rest * s.step }, prefix: s.prefix }, set);
        if (!seen.has(b.name)) {
          seen.add(b.name);
          yield b;
        }
        break;
      }
      rest -= s.count;
    }
  }
}
