import { ALL_VERSIONS } from "@tscni/types/version";
import { entryOf } from "./entry.js";
import type { AnyPlugin, EarlyWork, PluginEntry } from "./plugin.js";
import type { FdRead } from "./read-fd.js";
import { stdioFor } from "./stdio.js";
import { mark } from "./trace.js";
import { versionAnswer } from "./version-answer.js";

/**
 * The executable's entry: process env + stdin in, result or error JSON out, exit status
 * set. Give it the plugin, or a PluginEntry that loads the plugin on demand (VERSION then
 * evaluates nothing of the plugin but the entry; the early hook runs before it loads).
 * VERSION is answered here, from this module's few imports; every other call loads the
 * rest of skel (run.ts).
 */
export async function pluginMain<E extends EarlyWork>(target: AnyPlugin<E> | PluginEntry<E>): Promise<never> {
  mark("start");
  const entry = entryOf(target);
  const env = process.env;
  const io = stdioFor(env.CNI_COMMAND);
  const versions = entry.versions ?? ALL_VERSIONS;
  if (env.CNI_COMMAND === "VERSION") {
    io.write(1, versionAnswer(() => stdinData(io.readAll(0)), versions) + "\n");
    process.exit(0);
  }
  const stderr = (s: string) => io.write(2, s);
  if (!env.CNI_COMMAND && entry.about) stderr(`${entry.about}\nCNI protocol versions supported: ${versions.join(", ")}\n`);
  const [{ run }, { stdinOrError }] = await Promise.all([import("./run.js"), import("./stdin.js")]);
  const { stdout, exitCode } = await run(entry, { env, stdin: () => stdinOrError(io.readAll(0)), stderr, mark });
  if (stdout) io.write(1, stdout + "\n");
  process.exit(exitCode);
}

const stdinData = (r: FdRead): Buffer | undefined => ("data" in r ? r.data : undefined);
