import { basename, dirname, join } from "node:path";

/** An author's plugin built into both targets. */
export interface BuiltTargets {
  /** The standalone executable (bun --compile). */
  standalone: string;
  /** The node bundle (one .js file with a node shebang). */
  node: string;
}

/**
 * @tscni/build, an optional peer: loaded only here, so a project that only runs plugins
 * does not install bun through this package.
 */
async function loadBuild(): Promise<typeof import("@tscni/build")> {
  try {
    return await import("@tscni/build");
  } catch (e) {
    if ((e as { code?: string }).code !== "ERR_MODULE_NOT_FOUND") throw e;
    throw new Error("buildTargets needs @tscni/build, which is not installed: npm install --save-dev @tscni/build", { cause: e });
  }
}

/**
 * Build a plugin entry (its `src/main.ts`) into both targets under outDir, as tscni-build
 * would for its author: `<name>-standalone` and `<name>-node`. Give outDir inside a
 * sandbox's tmpDir and the sandbox's cleanup removes them.
 */
export async function buildTargets(entry: string, outDir: string, name = basename(dirname(dirname(entry)))): Promise<BuiltTargets> {
  const { buildExecutable } = await loadBuild();
  const out = async (target: "standalone" | "node") => (await buildExecutable(entry, { target, outfile: join(outDir, `${name}-${target}`) })).outfile;
  return { standalone: await out("standalone"), node: await out("node") };
}
