import { spawnSync } from "node:child_process";
import { rmSync } from "node:fs";

/**
 * Things to remove if the process exits before their owner's own cleanup ran
 * (a crashed test, a vitest worker torn down, Ctrl-C). Exit handlers must be
 * synchronous, hence spawnSync: what execa adds (timeouts, stdin, killing children when
 * this process exits) has nothing to act on in a process that is exiting.
 */
const netnsNames = new Set<string>();
const dirs = new Set<string>();
const pids = new Set<number>();
const mounts = new Set<string>();
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

/** A server process the tests started (etcd): SIGKILLed first, before its mounts and netns go. */
export function trackPid(pid: number): void {
  install();
  pids.add(pid);
}
export function untrackPid(pid: number): void {
  pids.delete(pid);
}
/** A mount point (a tmpfs for data dirs): unmounted before the dirs are removed. */
export function trackMount(path: string): void {
  install();
  mounts.add(path);
}
export function untrackMount(path: string): void {
  mounts.delete(path);
}

/** Synchronously delete everything still tracked. */
export function cleanupAllSync(): void {
  for (const pid of pids) {
    try {
      process.kill(pid, "SIGKILL");
    } catch {
      // already gone
    }
  }
  pids.clear();
  for (const m of mounts) spawnSync("umount", ["-l", m], { stdio: "ignore" });
  mounts.clear();
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
