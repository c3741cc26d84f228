import { lstatSync, readdirSync, rmdirSync, unlinkSync } from "node:fs";
import { join } from "node:path";
import { INDEX_DIR } from "./last-stamp.js";
import { isBookkeeping } from "./store.js";

/** What DEINIT found and did; `left` names what stays (nothing when the directory went). */
export type Retired =
  | { state: "absent" }
  | { state: "removed" }
  /** Not a directory (a symlink, a file): never followed, never removed. */
  | { state: "not-a-directory" }
  /** Reservations (and any file we cannot vouch for) stay, and so does everything else. */
  | { state: "in-use"; reservations: number; others: number }
  /** Only files another host-local shares with us (lock, last_reserved_ip.N) or could not be removed. */
  | { state: "kept"; left: string[] };

const errno = (e: unknown): string | undefined => (e as NodeJS.ErrnoException).code;

function lstatOrUndefined(path: string) {
  try {
    return lstatSync(path);
  } catch (e) {
    if (errno(e) === "ENOENT") return undefined;
    throw e;
  }
}

/**
 * Removes what this host-local alone writes in a network's store (its owner index) and
 * then the directory if that left it empty (rmdir, never recursive). A store that still
 * holds reservations is not touched at all: they may be another host-local's (Go's, on a
 * shared dataDir) or belong to attachments the runtime will still DEL. Idempotent.
 */
export function retireStore(dir: string): Retired {
  const st = lstatOrUndefined(dir);
  if (!st) return { state: "absent" };
  if (!st.isDirectory()) return { state: "not-a-directory" };
  const names = readdirSync(dir);
  // Besides our index, the bookkeeping files are Go's too (lock, last_reserved_ip.N): never ours to delete.
  const held = names.filter((n) => !isBookkeeping(n));
  if (held.length > 0) {
    // Temp files of older tscni versions and ownerless files hold no address: GC's business, not ours.
    const reservations = held.filter((n) => !n.startsWith(".")).length;
    return { state: "in-use", reservations, others: held.length - reservations };
  }
  if (names.includes(INDEX_DIR)) removeIndex(join(dir, INDEX_DIR));
  try {
    rmdirSync(dir);
    return { state: "removed" };
  } catch (e) {
    if (errno(e) === "ENOENT") return { state: "removed" };
    if (errno(e) !== "ENOTEMPTY" && errno(e) !== "EEXIST") throw e;
    return { state: "kept", left: readdirSync(dir).sort() };
  }
}

/** The index is flat (base, a-*, t-*, .w-* files): anything else in it is left, and so is the directory then. */
function removeIndex(sub: string): void {
  const st = lstatOrUndefined(sub);
  if (!st?.isDirectory()) return;
  for (const n of readdirSync(sub)) {
    const p = join(sub, n);
    if (lstatOrUndefined(p)?.isDirectory()) continue;
    try {
      unlinkSync(p);
    } catch (e) {
      if (errno(e) !== "ENOENT") throw e;
    }
  }
  try {
    rmdirSync(sub);
  } catch (e) {
    if (errno(e) !== "ENOENT" && errno(e) !== "ENOTEMPTY" && errno(e) !== "EEXIST") throw e;
  }
}
