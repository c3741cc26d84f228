import { spawnSync } from "node:child_process";
import { rmSync } from "node:fs";

/**
 * Things to remove if the process exits before their owner's own cleanup ran
 * (a crashed test, a vitest worker torn down, Ctrl-C). Exit handlers must be
 * synchronous, hence spawnSync.
 */
const netnsNames = new Set<string>();
const dirs = new Set<string>();
let installed = false;

export function trackNetns(name: string): void {
  install();
  netnsNames.add(name);
}
export function untrackNetns(name: string): void {
  netnsNames.delete(name);
}
export function trackDir(path: string): void {
  install();
  dirs.add(path);
}
export function untrackDir(path: string): void {
  dirs.delete(path);
}

/** Synchronously delete everything still tracked. */
export function cleanupAllSync(): void {
  for (const name of netnsNames) spawnSync("ip", ["netns", "delete", name], { stdio: "ignore" });
  netnsNames.clear();
  for (const d of dirs) rmSync(d, { recursive: true, force: true });
  dirs.clear();
}

function install(): void {
  if (installed) return;
  installed = true;
  process.on("exit", cleanupAllSync);
  for (const sig of ["SIGINT", "SIGTERM", "SIGHUP"] as const) {
    // Clean up, then die from the same signal so the exit status stays honest.
    const onSignal = (): void => {
      cleanupAllSync();
      process.removeListener(sig, onSignal);
      process.kill(process.pid, sig);
    };
    process.on(sig, onSignal);
  }
}
