import { closeSync, fstatSync, openSync, readSync, renameSync, rmSync } from "node:fs";
import { dirname } from "node:path";
import { bootId } from "./boot-id.js";
import { createUnique } from "@tscni/state";

/**
 * The "base" snapshot of a store: which file belonged to which owner when the store was
 * last scanned in full. Fixed 64-byte text lines so a lookup is a binary search with a
 * few positioned reads, whatever the store's size:
 *   header   "tscni-base 2 <boot id> <count>"  padded to 63 bytes + "\n"
 *   records  "<keyHash 16 hex> <file name>"    sorted by hash, padded, "\n"
 *   trailer  "tscni-base end"                  padded, "\n"
 * Anything that does not match (a torn write, another version, a base built before the
 * last reboot: see boot-id.ts) reads as "no base". It is written without fsync: a
 * process crash cannot tear it (the page cache survives), and a power loss changes the
 * boot id, which retires it.
 */
const REC = 64;
const HEADER = "tscni-base 2 ";
const TRAILER = "tscni-base end";
const NAME_MAX = REC - 18; // 16 hex + space + newline

const line = (s: string) => s.padEnd(REC - 1, " ") + "\n";

/**
 * Writes the base for `records` ([hash, name]). Returns false, writing nothing, when a
 * name does not fit a record: such a store simply has no base and is always scanned.
 */
export function writeBase(path: string, records: Array<[string, string]>, boot = bootId()): boolean {
  const ok = /^[\x21-\x7e]+$/;
  const rows: string[] = new Array(records.length);
  for (let i = 0; i < records.length; i++) {
    const [h, n] = records[i]!;
    if (n.length > NAME_MAX || !ok.test(n)) return false;
    rows[i] = line(`${h} ${n}`);
  }
  // The hash is a fixed-width prefix, so the default (native) string sort orders records by hash.
  rows.sort();
  const body = line(`${HEADER}${bootTag(boot)} ${rows.length}`) + rows.join("") + line(TRAILER);
  const tmp = createUnique(dirname(path), ".w-", body, { mode: 0o600, sync: false });
  try {
    renameSync(tmp, path);
  } catch (e) {
    rmSync(tmp, { force: true });
    throw e;
  }
  return true;
}

/** The boot id as one header word ("-" where the system has none). */
const bootTag = (boot: string) => boot || "-";

const buf = Buffer.allocUnsafe(REC);

function readRec(fd: number, i: number): string | undefined {
  const n = readSync(fd, buf, 0, REC, i * REC);
  if (n !== REC || buf[REC - 1] !== 0x0a) return undefined;
  return buf.toString("latin1", 0, REC - 1);
}

/**
 * Names recorded for `hash`, or undefined when the base is missing, malformed or from
 * another boot. Binary search over records 1..count (0 is the header).
 */
export function lookupBase(path: string, hash: string, boot = bootId()): string[] | undefined {
  let fd: number;
  try {
    fd = openSync(path, "r");
  } catch {
    return undefined;
  }
  try {
    const head = readRec(fd, 0);
    if (!head?.startsWith(HEADER)) return undefined;
    const [tag, countText, extra] = head.slice(HEADER.length).trim().split(" ");
    if (tag !== bootTag(boot) || extra !== undefined) return undefined;
    const count = Number(countText);
    if (!Number.isInteger(count) || count < 0 || fstatSync(fd).size !== (count + 2) * REC) return undefined;
    if (readRec(fd, count + 1)?.trimEnd() !== TRAILER) return undefined;
    let lo = 1;
    let hi = count + 1; // first record whose hash >= hash
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      const r = readRec(fd, mid);
      if (r === undefined) return undefined;
      if (r.slice(0, 16) < hash) lo = mid + 1;
      else hi = mid;
    }
    const out: string[] = [];
    for (let i = lo; i <= count; i++) {
      const r = readRec(fd, i);
      if (r === undefined) return undefined;
      if (r.slice(0, 16) !== hash) break;
      out.push(r.slice(17).trimEnd());
    }
    return out;
  } catch {
    return undefined;
  } finally {
    closeSync(fd);
  }
}
