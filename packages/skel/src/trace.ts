/*
 * TSCNI_TRACE=1: `trace PID <ms since process start> ms, cpu <ms> ms: <label>` lines on
 * stderr, to see where a call spends its time without strace's distortion. skel marks
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
  const cpu = process.cpuUsage();
  process.getBuiltinModule("node:fs").writeSync(2, `trace ${process.pid} ${performance.now().toFixed(2)} ms, cpu ${((cpu.user + cpu.system) / 1000).toFixed(2)} ms: ${label}\n`);
}
