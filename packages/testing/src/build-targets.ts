import { basename, dirname, join } from "node:path";
import { buildExecutable } from "@tscni/build";

/** An author's plugin built into both targets. */
export interface BuiltTargets {
  /** The standalone executable (bun --compile). */
  standalone: string;
  /** The node bundle (one .js file with a node shebang). */
  node: string;
}

/**
 * Build a plugin entry (its `src/main.ts`) into both targets under outDir, as tscni-build
 * would for its author: `<name>-standalone` and `<name>-node`. Give outDir inside a
 * sandbox's tmpDir and the sandbox's cleanup removes them.
 */
export async function buildTargets(entry: string, outDir: string, name = basename(dirname(dirname(entry)))): Promise<BuiltTargets> {
  const out = async (target: "standalone" | "node") => (await buildExecutable(entry, { target, outfile: join(outDir, `${name}-${target}`) })).outfile;
  return { standalone: await out("standalone"), node: await out("node") };
}
