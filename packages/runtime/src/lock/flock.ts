import { spawn } from "node:child_process";
import { closeSync, constants, mkdirSync, openSync } from "node:fs";
import { dirname } from "node:path";
import { CniError } from "@tscni/types";

export type LockMode = "shared" | "exclusive";
export type Release = () => void;

const CONFLICT_EXIT = 75;

/**
 * Take a flock(2) on `file` for this process. Node cannot call flock(2), so we open
 * the file here and hand the descriptor to flock(1) as fd 3: flock(1) locks the
 * open file description, which our fd shares, then exits. The lock stays with our
 * fd until we close it, and the kernel drops it when this process dies (kill -9
 * included), so a lock file on disk never means "held".
 */
export async function acquireLock(file: string, mode: LockMode, timeoutMs: number, what: string): Promise<Release> {
  mkdirSync(dirname(file), { recursive: true, mode: 0o700 });
  const fd = openSync(file, constants.O_RDWR | constants.O_CREAT, 0o600);
  const args = [mode === "shared" ? "-s" : "-x", "-E", String(CONFLICT_EXIT), "-w", String(Math.max(timeoutMs, 1) / 1000), "3"];
  let code: number | null;
  let stderr = "";
  try {
    code = await new Promise<number | null>((resolve, reject) => {
      const child = spawn("flock", args, { stdio: ["ignore", "ignore", "pipe", fd] });
      child.stderr?.on("data", (b: Buffer) => (stderr += b.toString()));
      child.on("error", reject);
      child.on("close", resolve);
    });
  } catch (e) {
    closeSync(fd);
    throw new CniError(5, `cannot run flock(1) to lock ${what}: ${(e as Error).message}`);
  }
  if (code !== 0) {
    closeSync(fd);
    if (code === CONFLICT_EXIT) throw new CniError(11, `${what} is busy: lock not acquired within ${timeoutMs} ms`);
    throw new CniError(5, `flock(1) failed on ${file} (exit ${code}): ${stderr.trim()}`);
  }
  let released = false;
  return () => {
    if (released) return;
    released = true;
    closeSync(fd);
  };
}
