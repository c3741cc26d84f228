import { writeSync } from "node:fs";
import { ALL_VERSIONS } from "@tscni/types";
import { run } from "./dispatch.js";
import type { Plugin } from "./plugin.js";
import { readStdinSync } from "./stdin.js";

export interface MainOptions {
  /** Stdin when something already read it (e.g. to start work before the plugin loads). */
  stdin?: () => Buffer;
  /** Runs after the handler, before output and exit (e.g. undo work started early). */
  afterRun?: (exitCode: number, stderr: (s: string) => void) => Promise<void> | void;
}

/** The executable's entry: process env + stdin in, result or error JSON out, exit status set. */
export async function pluginMain(plugin: Plugin, opts: MainOptions = {}): Promise<never> {
  const env = process.env;
  const stderr = (s: string) => writeAll(2, s);
  if (!env.CNI_COMMAND && plugin.about)
    stderr(`${plugin.about}\nCNI protocol versions supported: ${(plugin.versions ?? ALL_VERSIONS).join(", ")}\n`);
  const { stdout, exitCode } = await run(plugin, { env, stdin: opts.stdin ?? (() => readStdinSync(0)), stderr });
  await opts.afterRun?.(exitCode, stderr);
  if (stdout) writeAll(1, stdout + "\n");
  process.exit(exitCode);
}

/** Synchronous so nothing is lost when the process exits right after. */
function writeAll(fd: number, s: string): void {
  const buf = Buffer.from(s);
  let off = 0;
  while (off < buf.length) {
    try {
      off += writeSync(fd, buf, off);
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== "EAGAIN") return;
    }
  }
}
