import { readdirSync } from "node:fs";
import { setFlagsFromString } from "node:v8";
import { runInNewContext } from "node:vm";

// A full GC before sampling so RSS compares live memory, not garbage not yet collected.
setFlagsFromString("--expose-gc");
const gc = runInNewContext("gc") as () => void;

export interface Sample {
  cycle: number;
  rssMB: number;
  heapMB: number;
  fds: number;
}

/** RSS, heap and open fds of this process (the one running the runtime). */
export function sample(cycle: number): Sample {
  gc();
  const m = process.memoryUsage();
  return { cycle, rssMB: +(m.rss / 2 ** 20).toFixed(1), heapMB: +(m.heapUsed / 2 ** 20).toFixed(1), fds: readdirSync("/proc/self/fd").length };
}
