import { closeSync, constants, mkdirSync, openSync } from "node:fs";
import { dirname, join } from "node:path";
import { CniError, ErrorCode, ioFailure } from "@tscni/types";
import { tryFlock } from "./flock.js";

export type LockMode = "shared" | "exclusive";
export type Release = () => void;

export interface LockOptions {
  /** Shared (reader) instead of exclusive (writer) lock. */
  shared?: boolean;
  /** Give up after this long with code 11 (try again later). Default 30 s. */
  timeoutMs?: number;
  /** Where lock files live. Default /run/tscni/locks. */
  dir?: string;
}

export const DEFAULT_LOCK_DIR = "/run/tscni/locks";
const CONFLICT_EXIT = 75;

/**
 * Takes a flock(2) on `file` for this process. The lock belongs to our open file
 * description: it stays until release, and the kernel drops it when this process dies
 * (kill -9 included), so a lock file on disk never means "held". Where the runtime can call
 * flock(2) (bun:ffi, the standalone build) a free lock is taken directly; a busy one, or any
 * lock under Node (no FFI), is taken by flock(1), handed our descriptor as fd 3: it waits
 * up to the timeout, locks the description our fd shares, then exits (one exec).
 * (Abstract unix sockets were tried first: Node and Bun bind different names for the
 * same string, so a Node build and a Bun build would not exclude each other.)
 */
export async function acquireLock(file: string, mode: LockMode, timeoutMs: number, what = file): Promise<Release> {
  let fd: number;
  try {
    mkdirSync(dirname(file), { recursive: true, mode: 0o700 });
    fd = openSync(file, constants.O_RDWR | constants.O_CREAT, 0o600);
  } catch (e) {
    throw ioFailure(`cannot open the lock file for ${what}`, e);
  }
  let released = false;
  const release = () => {
    if (released) return;
    released = true;
    closeSync(fd);
  };
  try {
    if (await tryFlock(fd, mode === "shared")) return release;
  } catch (e) {
    closeSync(fd);
    throw ioFailure(`cannot lock ${what}`, e);
  }
  const args = [mode === "shared" ? "-s" : "-x", "-E", String(CONFLICT_EXIT), "-w", String(Math.max(timeoutMs, 1) / 1000), "3"];
  let code: number | null;
  let stderr = "";
  try {
    // Loaded on first use: most plugin execs never lock, and the module is costly to load.
    const { spawn } = await import("node:child_process");
    code = await new Promise<number | null>((resolve, reject) => {
      const child = spawn("flock", args, { stdio: ["ignore", "ignore", "pipe", fd] });
      child.stderr?.on("data", (b: Buffer) => (stderr += b.toString()));
      child.on("error", reject);
      child.on("close", resolve);
    });
  } catch (e) {
    closeSync(fd);
    throw ioFailure(`cannot run flock(1) to lock ${what}`, e);
  }
  if (code !== 0) {
    closeSync(fd);
    if (code === CONFLICT_EXIT) throw new CniError(ErrorCode.TryAgainLater, `${what} is busy: lock not acquired within ${timeoutMs} ms`);
    throw new CniError(ErrorCode.IoFailure, `flock(1) failed to lock ${what}`, `flock ${args.join(" ")} on ${file}: exit status ${code}${stderr.trim() ? `\nstderr: ${stderr.trim()}` : ""}`);
  }
  return release;
}

/** Runs `fn` holding the lock called `name` (a file in `opts.dir`), then releases it. */
export async function withLock<T>(name: string, fn: () => Promise<T> | T, opts: LockOptions = {}): Promise<T> {
  const release = await acquireLock(lockFile(name, opts.dir ?? DEFAULT_LOCK_DIR), opts.shared ? "shared" : "exclusive", opts.timeoutMs ?? 30_000, `lock ${name}`);
  try {
    return await fn();
  } finally {
    release();
  }
}

export function lockFile(name: string, dir: string): string {
  // Names come from configs: keep only safe characters so no name can point outside
  // `dir`, plus a hash so names that differ only in unsafe characters stay apart.
  const safe = name.replace(/[^a-zA-Z0-9_.-]/g, "_").slice(0, 80);
  return join(dir, `${safe}.${fnv1a64(name)}.lock`);
}

/** FNV-1a, 64 bit: no node:crypto at start-up; a collision only makes two names share a lock. */
function fnv1a64(s: string): string {
  let h = 0xcbf29ce484222325n;
  for (const b of Buffer.from(s)) h = BigInt.asUintN(64, (h ^ BigInt(b)) * 0x100000001b3n);
  return h.toString(16).padStart(16, "0");
}
