import { readdirSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { spawnSync } from "node:child_process";
import { runPrefix } from "./names.js";

export interface Leftovers {
  netns: string[];
  mounts: string[];
  tmpDirs: string[];
}

/**
 * Netns, mounts and tmp entries this run made under prefix (its names start with the prefix
 * and the run token); tests assert these are empty.
 */
export function leftovers(testPrefix: string): Leftovers {
  const prefix = runPrefix(testPrefix);
  const list = spawnSync("ip", ["netns", "list"], { encoding: "utf8" });
  const netns = (list.stdout ?? "")
    .split("\n")
    .map((l) => l.split(" ")[0] ?? "")
    .filter((n) => n.startsWith(prefix));
  // mountinfo field 5 is the mount point; ip netns mounts live under /run/netns (= /var/run/netns).
  const mounts = readFileSync("/proc/self/mountinfo", "utf8")
    .split("\n")
    .map((l) => l.split(" ")[4] ?? "")
    .filter((m) => {
      const base = m.slice(m.lastIndexOf("/") + 1);
      return base.startsWith(prefix);
    });
  const tmp = tmpdir();
  const tmpDirs = readdirSync(tmp)
    .filter((n) => n.startsWith(prefix))
    .map((n) => join(tmp, n));
  return { netns, mounts, tmpDirs };
}
