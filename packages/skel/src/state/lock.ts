import { spawn, type ChildProcess } from "node:child_process";
import { createHash } from "node:crypto";
import { mkdirSync } from "node:fs";
import { join } from "node:path";
import { CniError, ErrorCode } from "@tscni/types";

export interface LockOptions {
  /** Shared (reader) instead of exclusive (writer) lock. */
  shared?: boolean;
  /** Give up after this long with code 11 (try again later). Default 30 s. */
  timeoutMs?: number;
  /** Where lock files live. Default /run/tscni/locks. */
  dir?: string;
}

export const DEFAULT_LOCK_DIR = "/run/tscni/locks";

/**
 * Cross-process lock on a real flock(2). Node and Bun have no flock call, so a child
 * `flock FILE cat` holds it: cat reads our stdin pipe, so when we exit or are killed
 * the pipe closes, cat exits and the kernel drops the lock. Nothing stays held after
 * a kill -9 of either process; the lock file itself carries no state.
 * (Abstract unix sockets were tried first: Node and Bun bind different names for the
 * same string, so a Node build and a Bun build of one plugin would not exclude each other.)
 */
export async function withLock<T>(name: string, fn: () => Promise<T> | T, opts: LockOptions = {}): Promise<T> {
  const holder = await acquire(lockFile(name, opts.dir ?? DEFAULT_LOCK_DIR), opts);
  try {
    return await fn();
  } finally {
    await release(holder);
  }
}

export function lockFile(name: string, dir: string): string {
  // Names come from configs: hash them so no name can point outside `dir`.
  const safe = name.replace(/[^a-zA-Z0-9_.-]/g, "_").slice(0, 80);
  const digest = createHash("sha256").update(name).digest("hex").slice(0, 16);
  return join(dir, `${safe}.${digest}.lock`);
}

function acquire(file: string, opts: LockOptions): Promise<ChildProcess> {
  mkdirSync(join(file, ".."), { recursive: true, mode: 0o700 });
  const timeoutMs = opts.timeoutMs ?? 30_000;
  const seconds = Math.max(timeoutMs / 1000, 0.001).toFixed(3);
  const child = spawn("flock", [opts.shared ? "--shared" : "--exclusive", "--timeout", seconds, "--conflict-exit-code", "75", file, "cat"], {
    stdio: ["pipe", "pipe", "pipe"],
  });
  return new Promise((resolve, reject) => {
    let stderr = "";
    child.stderr!.on("data", (d) => (stderr += d));
    // cat only runs once flock holds the lock: its echo is the "acquired" signal.
    child.stdout!.once("data", () => resolve(child));
    child.once("error", (e) => reject(new CniError(ErrorCode.IoFailure, `lock ${file}: ${e.message}`)));
    child.once("exit", (code) => {
      if (code === 75) reject(new CniError(ErrorCode.TryAgainLater, `lock ${file} is held by another process`, `waited ${timeoutMs} ms`));
      else reject(new CniError(ErrorCode.IoFailure, `lock ${file}: flock exited with ${code}`, stderr.trim()));
    });
    child.stdin!.write("L");
  });
}

function release(child: ChildProcess): Promise<void> {
  return new Promise((resolve) => {
    if (child.exitCode !== null) return resolve();
    child.once("exit", () => resolve());
    child.stdin!.end(); // EOF: cat exits, the kernel releases the lock
  });
}
