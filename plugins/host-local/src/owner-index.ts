import { closeSync, fsyncSync, mkdirSync, openSync, readdirSync, readFileSync, renameSync, rmSync, writeSync } from "node:fs";
import { join } from "node:path";
import { lookupBase, writeBase } from "./base-file.js";
import { createUnique } from "@tscni/state";
import { keyHash } from "./key-hash.js";
import { BASE_NAME, INDEX_DIR, LAST0, STAMP_SECONDS, lastSig, type LastSig } from "./last-stamp.js";
import type { StoreEntry } from "./store.js";

/**
 * Answers "which files may belong to owner K?" without reading every reservation file,
 * which is what dominates ADD (duplicate check) and DEL (release by owner) on big stores.
 * Lives in <store>/.tscni-index/ (Go's file walk reads it but nothing there matches an owner):
 *   base        every file -> owner hash at the last full scan in this boot (base-file.ts)
 *   a-<hash>    per attachment: {"key": K, "names": [...]} reserved by tscni since (JSON)
 *   t-<hash>    marker + link source of an ADD in progress: holds K, synced (it is the
 *               reservations' content); removed only after a-<hash> is written, so a
 *               crash leaves the marker and K is rescanned
 * Only the marker is fsynced, and only because reservations are links to it. The rest
 * needs no fsync: a killed process leaves its writes in the page cache, in order, and a
 * power loss retires the whole index (the base carries the boot id, see boot-id.ts).
 * The index only narrows where to look: every answer is checked against the reservation
 * files themselves. It cannot answer (callers scan the store, as Go does) when the base
 * is missing or torn, when last_reserved_ip.0 was written by another program since
 * (last-stamp.ts), when K's marker is present, or when a-<hash> is unreadable.
 */
export interface IndexAnswer {
  /** Files that may hold K. */
  names: string[];
  /** Files that may hold the container ID alone (old Go versions). */
  idOnly: string[];
}

const MARK = "t-";
const ATTACH = "a-";

export class OwnerIndex {
  readonly sub: string;
  constructor(readonly dir: string) {
    this.sub = join(dir, INDEX_DIR);
  }

  private path(prefix: string, key: string): string {
    return join(this.sub, prefix + keyHash(key));
  }

  /** Where the store's knowledge stands right now; take it before a full scan. */
  snapshot(): LastSig {
    return lastSig(this.dir);
  }

  /** undefined = cannot answer, scan instead. `ownMarker`: the caller holds K's marker itself. */
  answer(key: string, containerId: string, ownMarker = false): IndexAnswer | undefined {
    if (lastSig(this.dir).foreign) return undefined;
    const base = join(this.sub, BASE_NAME);
    const names = lookupBase(base, keyHash(key));
    if (names === undefined) return undefined;
    if (!ownMarker && exists(this.path(MARK, key))) return undefined;
    const rec = this.attachment(key);
    if (rec === null) return undefined;
    for (const n of rec ?? []) if (!names.includes(n)) names.push(n);
    const idOnly = lookupBase(base, keyHash(containerId.trim()));
    if (idOnly === undefined) return undefined;
    return { names, idOnly };
  }

  /** K's recorded names; undefined when there is no record, null when it is unusable. */
  private attachment(key: string): string[] | undefined | null {
    let text: string;
    try {
      text = readFileSync(this.path(ATTACH, key), "utf8");
    } catch (e) {
      return (e as NodeJS.ErrnoException).code === "ENOENT" ? undefined : null;
    }
    try {
      const rec = JSON.parse(text) as { key?: unknown; names?: unknown };
      if (rec.key !== key || !Array.isArray(rec.names) || !rec.names.every((n) => typeof n === "string")) return null;
      return rec.names as string[];
    } catch {
      return null; // torn write or hash collision: the slow path is always right
    }
  }

  /**
   * Rebuilds the base from a full scan taken after `before`. Kept only if nobody wrote
   * last_reserved_ip.0 meanwhile; then a foreign last_reserved_ip.0 is re-stamped so
   * the next calls can use the base.
   */
  rebuild(entries: readonly StoreEntry[], before: LastSig): void {
    mkdirSync(this.sub, { recursive: true, mode: 0o700 });
    const base = join(this.sub, BASE_NAME);
    if (!writeBase(base, entries.map((e) => [keyHash(e.owner), e.name]))) return void rmSync(base, { force: true });
    if (!before.foreign) {
      if (lastSig(this.dir).sig !== before.sig) rmSync(base, { force: true });
      return;
    }
    // Same content, stamped; replaced only if still exactly what the scan saw.
    const last = join(this.dir, LAST0);
    let content: Buffer;
    try {
      content = readFileSync(last);
    } catch {
      return void rmSync(base, { force: true });
    }
    const tmp = createUnique(this.sub, ".w-", content, { mode: 0o600, sync: false, stamp: STAMP_SECONDS });
    if (lastSig(this.dir).sig === before.sig) renameSync(tmp, last);
    else {
      rmSync(tmp, { force: true });
      rmSync(base, { force: true });
    }
  }

  /** Drops the base: the next call scans and rebuilds it. */
  invalidate(): void {
    rmSync(join(this.sub, BASE_NAME), { force: true });
  }

  /**
   * Creates K's marker holding `key`, synced (it is also the file reservations are
   * hard-linked from). `stale` = a marker was already there: an earlier ADD of K crashed,
   * so the index cannot be trusted for K until this ADD records a full answer.
   */
  mark(key: string): { path: string; stale: boolean } {
    mkdirSync(this.sub, { recursive: true, mode: 0o700 });
    const path = this.path(MARK, key);
    let stale = false;
    let fd: number;
    try {
      fd = openSync(path, "wx", 0o600);
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== "EEXIST") throw e;
      stale = true;
      rmSync(path, { force: true });
      fd = openSync(path, "wx", 0o600);
    }
    try {
      writeSync(fd, key);
      fsyncSync(fd);
    } finally {
      closeSync(fd);
    }
    return { path, stale };
  }

  unmark(key: string): void {
    rmSync(this.path(MARK, key), { force: true });
  }

  /** Records K's names (temp + rename, no fsync: see above) before the caller drops the marker. */
  record(key: string, names: readonly string[]): void {
    renameSync(createUnique(this.sub, ".w-", JSON.stringify({ key, names }), { mode: 0o600, sync: false }), this.path(ATTACH, key));
  }

  forget(key: string): void {
    rmSync(this.path(ATTACH, key), { force: true });
  }

  /** GC: drops records and markers of owners that are not kept, and leftover temp files. */
  prune(keep: (owner: string) => boolean): void {
    let names: string[];
    try {
      names = readdirSync(this.sub);
    } catch {
      return;
    }
    for (const n of names) {
      const p = join(this.sub, n);
      if (n.startsWith(".w-")) rmSync(p, { force: true });
      else if (n.startsWith(MARK) || n.startsWith(ATTACH)) {
        let owner: string | undefined;
        try {
          const text = readFileSync(p, "utf8");
          owner = n.startsWith(MARK) ? text : (JSON.parse(text) as { key?: string }).key;
        } catch {
          owner = undefined;
        }
        if (owner === undefined || !keep(owner)) rmSync(p, { force: true });
      }
    }
  }
}

function exists(path: string): boolean {
  try {
    closeSync(openSync(path, "r"));
    return true;
  } catch (e) {
    return (e as NodeJS.ErrnoException).code !== "ENOENT";
  }
}
