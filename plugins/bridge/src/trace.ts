import { writeSync } from "node:fs";

/**
 * TSCNI_TRACE=1: print "ms since process start, CPU ms used so far: label" lines to
 * stderr, to see where an ADD/DEL spends its time without strace's distortion. Off: one
 * env read, no output.
 */
const on = process.env.TSCNI_TRACE === "1";

export function mark(label: string): void {
  if (!on) return;
  const cpu = process.cpuUsage();
  writeSync(2, `trace ${process.pid} ${performance.now().toFixed(2)} ms, cpu ${((cpu.user + cpu.system) / 1000).toFixed(2)} ms: ${label}\n`);
}

mark("start");
if (on) process.on("exit", () => mark("exit"));
