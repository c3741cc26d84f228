import { CniError, ErrorCode } from "@tscni/types";
import { formatIP, nextIP, parseIP, unmap, type IPAddr } from "@tscni/types/ip";
import {
  assignRequested, checkRequestedAddress, isReservedAddress, rangeFor, rangeSetString, usableCount, type Range, type RangeSet,
} from "@tscni/ipam-ranges";
import { OwnerIndex } from "./owner-index.js";
import { ownerKey, isTempName, type DiskStore, type StoreEntry } from "./store.js";

export interface Allocation {
  /** Index of the range set the address came from. */
  rangeIdx: number;
  ip: IPAddr;
  range: Range;
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

/** What a lookup for one attachment found: candidate files with their content, and every name when it scanned. */
interface Lookup {
  entries: StoreEntry[];
  taken: Set<string>;
  scanned: boolean;
}

export class Allocator {
  readonly index: OwnerIndex;
  constructor(
    readonly store: DiskStore,
    readonly ranges: RangeSet[],
  ) {
    this.index = new OwnerIndex(store.dir);
  }

  /**
   * Files that may belong to the attachment, read: from the owner index when it can
   * answer, else from a full scan (which also rebuilds the index's base).
   */
  private lookup(containerId: string, ifname: string, ownMarker = false, forceScan = false): Lookup {
    const key = ownerKey(containerId, ifname);
    const answer = forceScan ? undefined : this.index.answer(key, containerId, ownMarker);
    if (answer) {
      const entries: StoreEntry[] = [];
      for (const name of new Set([...answer.names, ...answer.idOnly])) {
        const owner = this.store.read(name);
        if (owner !== undefined) entries.push({ name, owner });
      }
      return { entries, taken: new Set(), scanned: false };
    }
    const before = this.index.snapshot();
    const names = this.store.names();
    const entries = this.store.entries(undefined, names);
    try {
      if (this.store.exists()) this.index.rebuild(entries, before); // CHECK of an unknown network must not create its store
    } catch {
      this.index.invalidate(); // the index is only a shortcut; the scan result stands
    }
    return { entries, taken: new Set(names), scanned: true };
  }

  /**
   * Reserves one address per range set for (containerId, ifname), honouring
   * requested addresses. On any failure the addresses reserved by this call are
   * released again and the error is thrown.
   */
  allocate(containerId: string, ifname: string, requested: readonly IPAddr[] = []): Allocation[] {
    const owner = ownerKey(containerId, ifname);
    this.store.ensure();

    const wanted = assignRequested(this.ranges, requested);

    // The marker makes a crash from here on visible (see owner-index.ts) and is the file reservations link to.
    const marker = this.index.mark(owner);
    const found = this.lookup(containerId, ifname, true, marker.stale);
    const held = found.entries.filter((e) => !isTempName(e.name) && e.owner === owner).map((e) => e.name);
    const done: Allocation[] = [];
    try {
      if (wanted.some((w) => w === undefined)) this.refuseDuplicate(found.entries, containerId, ifname, wanted);
      this.ranges.forEach((set, rangeIdx) => {
        const want = wanted[rangeIdx];
        const got = want
          ? this.takeRequested(set, want, marker.path, found.taken)
          : this.takeNext(set, rangeIdx, marker.path, found.taken);
        done.push({ rangeIdx, ...got });
        this.store.setLastReserved(rangeIdx, formatIP(got.ip));
      });
      this.store.sync();
    } catch (e) {
      const kept = done.filter((a) => !this.store.release(formatIP(a.ip), owner)).map((a) => formatIP(a.ip));
      this.settle(owner, [...held, ...kept]);
      throw e;
    }
    this.settle(owner, [...held, ...done.map((a) => formatIP(a.ip))]);
    return done;
  }

  /** Makes the attachment's record complete and durable, then drops its marker. */
  private settle(owner: string, names: string[]): void {
    if (names.length > 0) this.index.record(owner, [...new Set(names)]);
    else this.index.forget(owner);
    this.index.unmark(owner);
  }

  /** Go refuses a second automatic allocation for the same attachment in a range set. */
  private refuseDuplicate(entries: StoreEntry[], containerId: string, ifname: string, wanted: Array<IPAddr | undefined>): void {
    const auto = this.ranges.filter((_, i) => wanted[i] === undefined);
    for (const { name, owner } of entries) {
      if (isTempName(name) || !ownedBy(owner, containerId, ifname)) continue;
      const ip = parseIP(name);
      if (ip && auto.some((set) => rangeFor(set, ip)))
        throw new CniError(ErrorCode.Internal, `${name} has been allocated to ${containerId}, duplicate allocation is not allowed`);
    }
  }

  private takeRequested(set: RangeSet, ip: IPAddr, src: string, taken: Set<string>): { ip: IPAddr; range: Range } {
    const range = rangeFor(set, ip) as Range;
    checkRequestedAddress(range, ip);
    const text = formatIP(ip);
    if (taken.has(text) || !this.store.reserveFrom(src, text))
      throw new CniError(ErrorCode.TryAgainLater, `requested IP address ${text} is not available in range set ${rangeSetString(set)}`);
    return { ip, range };
  }

  /** `taken` is empty when the index answered: link() itself then tells a free address from a taken one. */
  private takeNext(set: RangeSet, rangeIdx: number, src: string, taken: Set<string>): { ip: IPAddr; range: Range } {
    const lastText = this.store.lastReserved(rangeIdx);
    const lastIp = lastText === undefined ? undefined : parseIP(lastText);
    for (const c of candidates(set, lastIp ? unmap(lastIp) : undefined)) {
      const text = formatIP(c.ip);
      if (taken.has(text)) continue;
      if (this.store.reserveFrom(src, text)) return c;
      taken.add(text); // taken, or lost a race with another ADD
    }
    throw new CniError(ErrorCode.TryAgainLater, `no IP addresses available in range set: ${rangeSetString(set)}`);
  }

  /** Releases every address (and in-flight temp file) of the attachment; returns the released names. */
  release(containerId: string, ifname: string): string[] {
    const key = ownerKey(containerId, ifname);
    const { entries, scanned } = this.lookup(containerId, ifname);
    let mine = entries.filter((e) => e.owner === key);
    // Files written by Go before ifname was recorded hold only the ID.
    if (mine.length === 0) mine = entries.filter((e) => e.owner === containerId.trim());
    const released = mine.filter((e) => this.store.release(e.name, e.owner)).map((e) => e.name);
    this.index.forget(key);
    if (scanned) this.index.unmark(key); // a crashed ADD's marker: the scan found everything it left
    return released;
  }

  /** Scans the store and rebuilds the owner index's base (INIT: moves that cost out of the first ADD). */
  reindex(): void {
    this.lookup("", "", false, true);
  }

  /** Reserved addresses of the attachment (ifname-qualified, or ID-only from old Go versions). */
  find(containerId: string, ifname: string): string[] {
    return this.lookup(containerId, ifname)
      .entries.filter((e) => !isTempName(e.name) && ownedBy(e.owner, containerId, ifname))
      .map((e) => e.name);
  }

  /** Free addresses per range set (what a new ADD could still get). */
  freeCounts(): bigint[] {
    const reserved = this.store.names().map((n) => parseIP(n)).filter((ip): ip is IPAddr => ip !== undefined).map(unmap);
    return this.ranges.map((set) => {
      let free = 0n;
      for (const r of set) {
        free += usableCount(r);
        const seen = new Set<bigint>();
        for (const ip of reserved)
          if (ip.family === r.start.family && ip.value >= r.start.value && ip.value <= r.end.value && !isReservedAddress(r, ip)) seen.add(ip.value);
        free -= BigInt(seen.size);
      }
      return free;
    });
  }
}
