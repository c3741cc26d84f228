import { ALL_VERSIONS } from "@tscni/types/version";
import type { AnyPlugin, EarlyWork, PluginEntry } from "./plugin.js";
import { entryOf, run } from "./run.js";
import { readStdinSync } from "./stdin.js";
import { mark } from "./trace.js";

/**
 * The executable's entry: process env + stdin in, result or error JSON out, exit status
 * set. Give it the plugin, or a PluginEntry that loads the plugin on demand (VERSION then
 * evaluates nothing of the plugin but the entry; the early hook runs before it loads).
 * node:fs is taken when first needed, not imported: a bundle's static imports load at
 * its start, and node:fs is most of what a VERSION costs above Bun's own start.
 */
export async function pluginMain<E extends EarlyWork>(target: AnyPlugin<E> | PluginEntry<E>): Promise<never> {
  mark("start");
  const entry = entryOf(target);
  const env = process.env;
  const stderr = (s: string) => writeAll(2, s);
  if (!env.CNI_COMMAND && entry.about)
    stderr(`${entry.about}\nCNI protocol versions supported: ${(entry.versions ?? ALL_VERSIONS).join(", ")}\n`);
  const { stdout, exitCode } = await run(entry, { env, stdin: () => readStdinSync(0), stderr, mark });
  if (stdout) writeAll(1, stdout + "\n");
  process.exit(exitCode);
}

/** Synchronous so nothing is lost when the process exits right after. */
function writeAll(fd: number, s: string): void {
  const { writeSync } = process.getBuiltinModule("node:fs");
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
