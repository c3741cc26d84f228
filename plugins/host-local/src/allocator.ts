import { CniError, ErrorCode } from "@tscni/types";
import { formatIP, lastOf, networkOf, nextIP, parseIP, unmap, type IPAddr } from "../../../packages/net/src/ip/index.js";
import { rangeFor, rangeSetString, type Range, type RangeSet } from "./config.js";
import { ownerKey, isTempName, type DiskStore } from "./store.js";

export interface Allocation {
  /** Index of the range set the address came from. */
  rangeIdx: number;
  ip: IPAddr;
  range: Range;
}

/** Addresses of a range that are never handed out: the gateway, the network address, the v4 broadcast. */
export function isReservedAddress(r: Range, ip: IPAddr): boolean {
  if (ip.value === r.gateway.value && ip.family === r.gateway.family) return true;
  if (ip.value === networkOf(r.subnet).value) return true;
  return ip.family === 4 && ip.value === lastOf(r.subnet).value;
}

/**
 * Round-robin over a range set the way Go's RangeIter walks it: start after the
 * last reserved address (or at the first range's start), go to the end of each
 * range, wrap to the next range, stop after one full cycle.
 */
export function* candidates(set: RangeSet, last: IPAddr | undefined): Generator<{ ip: IPAddr; range: Range }> {
  let idx = 0;
  let cur: IPAddr | undefined;
  const lastRange = last ? rangeFor(set, last) : undefined;
  if (last && lastRange) {
    idx = set.indexOf(lastRange);
    cur = last;
  }
  const advance = (): IPAddr => {
    const r = set[idx]!;
    if (cur === undefined) return r.start;
    if (cur.value >= r.end.value) {
      idx = (idx + 1) % set.length;
      return set[idx]!.start;
    }
    return nextIP(cur) as IPAddr;
  };
  cur = advance();
  const first = cur;
  for (;;) {
    const r = set[idx]!;
    if (!isReservedAddress(r, cur)) yield { ip: cur, range: r };
    cur = advance();
    if (cur.value === first.value) return;
  }
}

/** Owner strings that count as (containerID, ifname): Go's format, and the ID alone from old Go versions. */
function ownedBy(owner: string, containerId: string, ifname: string): boolean {
  return owner === ownerKey(containerId, ifname) || owner === containerId.trim();
}

export class Allocator {
  constructor(
    readonly store: DiskStore,
    readonly ranges: RangeSet[],
  ) {}

  /**
   * Reserves one address per range set for (containerId, ifname), honouring
   * requested addresses. On any failure the addresses reserved by this call are
   * released again and the error is thrown.
   */
  allocate(containerId: string, ifname: string, requested: readonly IPAddr[] = []): Allocation[] {
    const owner = ownerKey(containerId, ifname);
    this.store.ensure();
    const names = this.store.names();
    const taken = new Set(names);

    // Which requested address goes to which range set (first match, as in Go).
    const left = requested.map(unmap);
    const wanted = this.ranges.map((set) => {
      const i = left.findIndex((ip) => rangeFor(set, ip) !== undefined);
      return i < 0 ? undefined : left.splice(i, 1)[0];
    });
    if (left.length > 0)
      throw new CniError(ErrorCode.InvalidConfig, `failed to allocate all requested IPs: ${left.map(formatIP).join(" ")}`, "no range set contains them");

    if (wanted.some((w) => w === undefined)) this.refuseDuplicate(names, containerId, ifname, wanted);

    const done: Allocation[] = [];
    try {
      this.ranges.forEach((set, rangeIdx) => {
        const want = wanted[rangeIdx];
        const got = want ? this.takeRequested(set, want, owner, taken) : this.takeNext(set, rangeIdx, owner, taken);
        done.push({ rangeIdx, ...got });
        this.store.setLastReserved(rangeIdx, formatIP(got.ip));
      });
      this.store.sync();
    } catch (e) {
      for (const a of done) this.store.release(formatIP(a.ip), owner);
      throw e;
    }
    return done;
  }

  /** Go refuses a second automatic allocation for the same attachment in a range set. */
  private refuseDuplicate(names: string[], containerId: string, ifname: string, wanted: Array<IPAddr | undefined>): void {
    const auto = this.ranges.filter((_, i) => wanted[i] === undefined);
    for (const name of names) {
      if (isTempName(name)) continue;
      const ip = parseIP(name);
      if (!ip || !auto.some((set) => rangeFor(set, ip))) continue;
      const content = this.store.read(name);
      if (content !== undefined && ownedBy(content, containerId, ifname))
        throw new CniError(ErrorCode.Internal, `${name} has been allocated to ${containerId}, duplicate allocation is not allowed`);
    }
  }

  private takeRequested(set: RangeSet, ip: IPAddr, owner: string, taken: Set<string>): { ip: IPAddr; range: Range } {
    const range = rangeFor(set, ip) as Range;
    const text = formatIP(ip);
    if (ip.value === range.gateway.value) throw new CniError(ErrorCode.InvalidConfig, `requested ip ${text} is subnet's gateway`);
    if (isReservedAddress(range, ip)) throw new CniError(ErrorCode.InvalidConfig, `requested ip ${text} is the network or broadcast address of its subnet`);
    if (taken.has(text) || !this.store.reserve(text, owner))
      throw new CniError(ErrorCode.TryAgainLater, `requested IP address ${text} is not available in range set ${rangeSetString(set)}`);
    return { ip, range };
  }

  private takeNext(set: RangeSet, rangeIdx: number, owner: string, taken: Set<string>): { ip: IPAddr; range: Range } {
    const lastText = this.store.lastReserved(rangeIdx);
    const lastIp = lastText === undefined ? undefined : parseIP(lastText);
    for (const c of candidates(set, lastIp ? unmap(lastIp) : undefined)) {
      const text = formatIP(c.ip);
      if (taken.has(text)) continue;
      if (this.store.reserve(text, owner)) return c;
      taken.add(text); // lost a race with another ADD
    }
    throw new CniError(ErrorCode.TryAgainLater, `no IP addresses available in range set: ${rangeSetString(set)}`);
  }

  /** Releases every address (and in-flight temp file) of the attachment; returns the released names. */
  release(containerId: string, ifname: string): string[] {
    const entries = this.store.entries();
    const key = ownerKey(containerId, ifname);
    let mine = entries.filter((e) => e.owner === key);
    // Files written by Go before ifname was recorded hold only the ID.
    if (mine.length === 0) mine = entries.filter((e) => e.owner === containerId.trim());
    return mine.filter((e) => this.store.release(e.name, e.owner)).map((e) => e.name);
  }

  /** Reserved addresses of the attachment (ifname-qualified, or ID-only from old Go versions). */
  find(containerId: string, ifname: string): string[] {
    return this.store
      .entries((n) => !isTempName(n))
      .filter((e) => ownedBy(e.owner, containerId, ifname))
      .map((e) => e.name);
  }

  /** Free addresses per range set (what a new ADD could still get). */
  freeCounts(): bigint[] {
    const reserved = this.store.names().map((n) => parseIP(n)).filter((ip): ip is IPAddr => ip !== undefined).map(unmap);
    return this.ranges.map((set) => {
      let free = 0n;
      for (const r of set) {
        free += r.end.value - r.start.value + 1n;
        const special = new Set<bigint>();
        for (const v of [r.gateway, networkOf(r.subnet), lastOf(r.subnet)])
          if (v.family === r.start.family && isReservedAddress(r, v) && v.value >= r.start.value && v.value <= r.end.value) special.add(v.value);
        free -= BigInt(special.size);
        const seen = new Set<bigint>();
        for (const ip of reserved)
          if (ip.family === r.start.family && ip.value >= r.start.value && ip.value <= r.end.value && !special.has(ip.value)) seen.add(ip.value);
        free -= BigInt(seen.size);
      }
      return free;
    });
  }
}
