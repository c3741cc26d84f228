// Throwaway netns for tests: prefix "tn-" + random suffix; removed in afterEach, also on failure.
import { execFileSync } from "node:child_process";
import { readFileSync } from "node:fs";
import { randomBytes } from "node:crypto";
import type { Netns } from "../src/index.js";

export const PREFIX = "tn-";

export interface TestNs extends Netns {
  name: string;
  path: string;
}

const made: string[] = [];
const everMade: string[] = [];
const mounts: string[] = [];
const everMounted: string[] = [];

/** Bind-mount `src` on the (existing) file `dst`; unmounted by cleanupAll. */
export function bindMount(src: string, dst: string): void {
  execFileSync("mount", ["--bind", src, dst]);
  mounts.push(dst);
  everMounted.push(dst);
}
const cleanups: Array<() => void> = [];

export function newNetns(): TestNs {
  const name = PREFIX + randomBytes(4).toString("hex");
  execFileSync("ip", ["netns", "add", name]);
  made.push(name);
  everMade.push(name);
  execFileSync("ip", ["-n", name, "link", "set", "lo", "up"]);
  return { name, path: `/run/netns/${name}` };
}

/** Register extra cleanup (killed processes, bind mounts); runs before the netns go. */
export function onCleanup(fn: () => void): void {
  cleanups.push(fn);
}

export function cleanupAll(): void {
  for (const m of mounts.splice(0).reverse()) {
    try {
      execFileSync("umount", [m], { stdio: "ignore" });
    } catch {
      // not mounted
    }
  }
  for (const fn of cleanups.splice(0).reverse()) {
    try {
      fn();
    } catch {
      // best effort: keep cleaning the rest
    }
  }
  for (const n of made.splice(0)) {
    try {
      execFileSync("ip", ["netns", "del", n], { stdio: "ignore" });
    } catch {
      // already gone
    }
  }
}

/** Names of our netns that still exist (should be none after cleanup). */
export function leftoverNetns(): string[] {
  const out = execFileSync("ip", ["-json", "netns", "list"], { encoding: "utf8" }).trim();
  const list = out ? (JSON.parse(out) as Array<{ name: string }>) : [];
  const gone = list.map((x) => x.name).filter((n) => everMade.includes(n));
  // mount points we made (netns files, bind mounts) must be gone too
  const mountinfo = readFileSync("/proc/self/mountinfo", "utf8");
  const strayMounts = mountinfo.split("\n").filter((l) => everMade.some((n) => l.includes(`/${n} `)) || everMounted.some((m) => l.includes(` ${m} `)));
  return [...gone, ...strayMounts];
}

export function sh(argv: string[]): string {
  return execFileSync(argv[0]!, argv.slice(1), { encoding: "utf8", stdio: ["ignore", "pipe", "pipe"] });
}

/** Some kernels (this CI's) lack CONFIG_BRIDGE_VLAN_FILTERING: probe it in a throwaway netns. */
export function kernelHasVlanFiltering(): boolean {
  const name = PREFIX + "probe-" + randomBytes(3).toString("hex");
  execFileSync("ip", ["netns", "add", name]);
  try {
    execFileSync("ip", ["-n", name, "link", "add", "b0", "type", "bridge", "vlan_filtering", "1"], { stdio: "ignore" });
    return true;
  } catch {
    return false;
  } finally {
    execFileSync("ip", ["netns", "del", name]);
  }
}
