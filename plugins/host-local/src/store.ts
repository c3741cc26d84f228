import {
  closeSync, fstatSync, linkSync, lstatSync, mkdirSync, openSync, readdirSync, readFileSync, readSync, renameSync,
  rmSync, unlinkSync,
} from "node:fs";
import { join } from "node:path";
import { BASE_NAME, INDEX_DIR, LAST0, STAMP_SECONDS, lastSig } from "./last-stamp.js";
import { createUnique, fsyncDir } from "@tscni/state";

/**
 * The Go host-local on-disk format, one directory per network:
 *   <ip>                 one file per reserved address, "containerID\r\nifname"
 *                        (files from very old Go versions hold only "containerID")
 *   last_reserved_ip.<N> the last address handed out from range set N (round-robin hint)
 *   lock                 Go's flock file (we never take it; see README "Concurrency")
 * Our own transient files start with ".tscni-" and hold the same content as the
 * reservation they become, so DEL and GC (ours and Go's) release them too.
 */

export const LAST_IP_PREFIX = "last_reserved_ip.";
const TMP_PREFIX = ".tscni-";
const LINE_BREAK = "\r\n";
const FILE_MODE = 0o600;

/** What a reservation file holds for (containerID, ifname). */
export function ownerKey(containerId: string, ifname: string): string {
  return containerId.trim() + LINE_BREAK + ifname;
}

/** Files that are neither reservations nor in-flight reservations (our index directory included). */
export function isBookkeeping(name: string): boolean {
  return name === "lock" || name.startsWith(LAST_IP_PREFIX) || name === INDEX_DIR;
}

export function isTempName(name: string): boolean {
  return name.startsWith(TMP_PREFIX);
}

export interface StoreEntry {
  /** File name: an IP in Go's text form, or a ".tscni-" temp file. */
  name: string;
  /** Trimmed content. */
  owner: string;
}

const readBuf = Buffer.allocUnsafe(4096);

export class DiskStore {
  constructor(readonly dir: string) {}

  /** Creates the network directory (and dataDir) if needed. */
  ensure(): void {
    mkdirSync(this.dir, { recursive: true, mode: 0o755 });
  }

  exists(): boolean {
    try {
      return lstatSync(this.dir).isDirectory();
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code === "ENOENT") return false;
      throw e;
    }
  }

  /** Every file name in the directory (empty when it does not exist). */
  names(): string[] {
    try {
      return readdirSync(this.dir);
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code === "ENOENT") return [];
      throw e;
    }
  }

  /** Trimmed content of one file, or undefined when it is gone or unreadable (like Go's walk, errors skip). */
  read(name: string): string | undefined {
    let fd: number;
    try {
      fd = openSync(join(this.dir, name), "r");
    } catch {
      return undefined;
    }
    try {
      // One read covers any sane reservation; longer files are read whole.
      const n = readSync(fd, readBuf, 0, readBuf.length, 0);
      if (n < readBuf.length) return readBuf.toString("utf8", 0, n).trim();
      return readFileSync(fd, "utf8").trim();
    } catch {
      return undefined;
    } finally {
      closeSync(fd);
    }
  }

  /** Reservation and temp files with their owners; `filter` can skip names before their content is read. */
  entries(filter?: (name: string) => boolean, names: readonly string[] = this.names()): StoreEntry[] {
    const out: StoreEntry[] = [];
    for (const name of names) {
      if (isBookkeeping(name) || (filter && !filter(name))) continue;
      const owner = this.read(name);
      if (owner !== undefined) out.push({ name, owner });
    }
    return out;
  }

  /**
   * Claims `name` for `owner`. The content is written and fsynced under a temp name,
   * then hard-linked to the IP's name: link() fails with EEXIST like O_EXCL, and the
   * reservation appears with its content, so no crash can leave an ownerless file.
   * Returns false when the address is already taken.
   */
  reserve(name: string, owner: string): boolean {
    const tmp = createUnique(this.dir, TMP_PREFIX, owner, { mode: FILE_MODE });
    try {
      return this.reserveFrom(tmp, name);
    } finally {
      unlinkSync(tmp);
    }
  }

  /** Claims `name` by hard-linking `src` (a synced file holding the owner key) to it; false when taken. */
  reserveFrom(src: string, name: string): boolean {
    try {
      linkSync(src, join(this.dir, name));
      return true;
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code === "EEXIST") return false;
      throw e;
    }
  }

  /**
   * Makes the directory entries created so far durable: the one fsync an ADD needs
   * besides its reservation content's (see README "Concurrency and crash safety").
   */
  sync(): void {
    fsyncDir(this.dir);
  }

  /**
   * Removes `name` if it still belongs to `owner`. The file is read through the
   * descriptor and the name is checked to still point at that inode right before
   * the unlink, so a reservation another container just made is left alone.
   */
  release(name: string, owner: string): boolean {
    const path = join(this.dir, name);
    let fd: number;
    try {
      fd = openSync(path, "r");
    } catch {
      return false;
    }
    try {
      const ino = fstatSync(fd).ino;
      const n = readSync(fd, readBuf, 0, readBuf.length, 0);
      const content = n < readBuf.length ? readBuf.toString("utf8", 0, n).trim() : readFileSync(fd, "utf8").trim();
      if (content !== owner) return false;
      if (lstatSync(path).ino !== ino) return false;
      unlinkSync(path);
      return true;
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code === "ENOENT") return false;
      throw e;
    } finally {
      closeSync(fd);
    }
  }

  /** Removes a file whatever it holds (GC of ownerless files). */
  remove(name: string): void {
    try {
      unlinkSync(join(this.dir, name));
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== "ENOENT") throw e;
    }
  }

  lastReserved(rangeIdx: number): string | undefined {
    const s = this.read(LAST_IP_PREFIX + rangeIdx);
    return s === undefined || s === "" ? undefined : s;
  }

  /**
   * Round-robin hint: replaced atomically (temp + rename), not fsynced since losing it
   * only restarts the cycle. Stamped (see last-stamp.ts); when the file we replace was
   * written by someone else, the owner index's base is dropped first, since that writer
   * may have made reservations the base does not know.
   */
  setLastReserved(rangeIdx: number, ip: string): void {
    const tmp = createUnique(this.dir, `${TMP_PREFIX}last-`, ip, { mode: FILE_MODE, sync: false, stamp: STAMP_SECONDS });
    try {
      if (LAST_IP_PREFIX + rangeIdx === LAST0 && lastSig(this.dir).foreign) rmSync(join(this.dir, INDEX_DIR, BASE_NAME), { force: true });
      renameSync(tmp, join(this.dir, LAST_IP_PREFIX + rangeIdx));
    } catch (e) {
      rmSync(tmp, { force: true });
      throw e;
    }
  }
}
