/*
 * TSCNI_TRACE=1: `trace PID <ms since process start> ms, cpu <ms> ms, faults <n>: <label>`
 * lines on stderr, to see where a call spends its time without strace's distortion (page
 * faults since the start: in a Bun-compiled plugin about half the CPU goes to them, and
 * unlike CPU time they do not move with the machine's load). skel marks
 * its own steps (start, early hook done, plugin loaded, handler, exit); a plugin adds its
 * own with mark(). Off: one env read, no output, and node:fs is not loaded.
 */

let on: boolean | undefined;

export function mark(label: string): void {
  if (on === undefined) {
    on = process.env.TSCNI_TRACE === "1";
    if (on) process.on("exit", () => mark("exit"));
  }
  if (!on) return;
  const ru = process.resourceUsage();
  const line = `trace ${process.pid} ${performance.now().toFixed(2)} ms, cpu ${((ru.userCPUTime + ru.systemCPUTime) / 1000).toFixed(2)} ms, faults ${ru.minorPageFault + ru.majorPageFault}: ${label}\n`;
  process.getBuiltinModule("node:fs").writeSync(2, line);
}
