import { statSync, mkdirSync, readFileSync } from "node:fs";
import { createRequire } from "node:module";
import { dirname, resolve } from "node:path";
import { bundleForNode, type NodeBundle } from "./node-bundle.js";
import { BUN_FLAGS, type Target } from "./options.js";
import { identityTrailer } from "./identity.js";
import { compileStandalone } from "./standalone.js";
import { buildKey, isUpToDate, recordKey } from "./stamp.js";
import { writeIfChanged } from "./write-if-changed.js";

export interface BuildOptions {
  target: Target;
  outfile: string;
  /** Rebuild even when the output is up to date. */
  force?: boolean;
  /** Reuse a node bundle already made for this entry (build-all makes one per entry). */
  bundle?: NodeBundle;
}

export interface BuildResult {
  entry: string;
  target: Target;
  outfile: string;
  /** true when the existing output was already current. */
  upToDate: boolean;
  bytes: number;
  ms: number;
}

let bunVersion: string | undefined;
function getBunVersion(): string {
  if (bunVersion === undefined) {
    const require = createRequire(import.meta.url);
    bunVersion = (JSON.parse(readFileSync(require.resolve("bun/package.json"), "utf8")) as { version: string }).version;
  }
  return bunVersion;
}

/** Build one plugin entry (a main.ts calling pluginMain) into a single executable file. */
export async function buildExecutable(entryArg: string, opts: BuildOptions): Promise<BuildResult> {
  const start = performance.now();
  const entry = resolve(entryArg);
  const outfile = resolve(opts.outfile);
  mkdirSync(dirname(outfile), { recursive: true });
  const bundle = opts.bundle ?? (await bundleForNode(entry));
  const trailer = identityTrailer(entry);
  let upToDate: boolean;
  if (opts.target === "node") {
    upToDate = !writeIfChanged(outfile, bundle.code + trailer) && !opts.force;
  } else {
    const key = buildKey(bundle.code + trailer, getBunVersion(), BUN_FLAGS.join(" "));
    upToDate = !opts.force && isUpToDate(outfile, key);
    if (!upToDate) {
      await compileStandalone(entry, outfile, [], trailer);
      recordKey(outfile, key);
    }
  }
  return { entry, target: opts.target, outfile, upToDate, bytes: statSync(outfile).size, ms: performance.now() - start };
}
