import { statSync, mkdirSync, mkdtempSync, readFileSync, rmSync } from "node:fs";
import { createRequire } from "node:module";
import { tmpdir } from "node:os";
import { dirname, join, resolve } from "node:path";
import { embeddingEntry, embedSpecs, resolveEmbeds, type Embed } from "./embed.js";
import { bundleForNode, type NodeBundle } from "./node-bundle.js";
import { BUN_FLAGS, defaultConditions, type Target } from "./options.js";
import { identityTrailer } from "./identity.js";
import { compileStandalone } from "./standalone.js";
import { buildKey, isUpToDate, recordKey } from "./stamp.js";
import { writeIfChanged } from "./write-if-changed.js";

export interface EmbedOptions {
  /**
   * Delegates to carry in-process, each `[type=]package` or `[type=]path`; default: the
   * entry's package.json `tscni.embed`; `[]`: none (every delegate is exec'd).
   */
  embed?: readonly string[];
  /** Where the generated embedding entry goes; default: a temporary directory removed after the build. */
  workDir?: string;
  /**
   * Export conditions the bundlers resolve besides their defaults; default: SOURCE_CONDITION
   * when this process resolves it (`node --conditions=tscni-source`: this repository), so our
   * packages are built from their source there and from their compiled files elsewhere.
   */
  conditions?: readonly string[];
}

export interface BuildOptions extends EmbedOptions {
  target: Target;
  outfile: string;
  /** Rebuild even when the output is up to date. */
  force?: boolean;
  /** Reuse what prepareEntry made for this entry (build-all makes one per entry for both targets). */
  prepared?: PreparedEntry;
}

/** An entry ready for the bundlers: the file to build (the embedding wrapper, or the entry) and its node bundle. */
export interface PreparedEntry {
  source: string;
  embeds: Embed[];
  /** The export conditions it was resolved with (the standalone compile uses the same). */
  conditions: readonly string[];
  bundle: NodeBundle;
}

export interface BuildResult {
  entry: string;
  target: Target;
  outfile: string;
  /** true when the existing output was already current. */
  upToDate: boolean;
  bytes: number;
  ms: number;
  /** Delegate types carried in-process. */
  embedded: string[];
}

let bunVersion: string | undefined;
function getBunVersion(): string {
  if (bunVersion === undefined) {
    const require = createRequire(import.meta.url);
    bunVersion = (JSON.parse(readFileSync(require.resolve("bun/package.json"), "utf8")) as { version: string }).version;
  }
  return bunVersion;
}

/** Resolve the entry's embeds, write its embedding entry into `workDir`, bundle it for node. */
export async function prepareEntry(entry: string, opts: EmbedOptions & { workDir: string }): Promise<PreparedEntry> {
  const conditions = opts.conditions ?? defaultConditions();
  const { specs, from } = embedSpecs(entry, opts.embed);
  const embeds = resolveEmbeds(entry, specs, from, conditions);
  const source = embeddingEntry(entry, embeds, opts.workDir, conditions);
  return { source, embeds, conditions, bundle: await bundleForNode(source, { conditions }) };
}

/** Build one plugin entry (a main.ts calling pluginMain) into a single executable file. */
export async function buildExecutable(entryArg: string, opts: BuildOptions): Promise<BuildResult> {
  const start = performance.now();
  const entry = resolve(entryArg);
  const outfile = resolve(opts.outfile);
  mkdirSync(dirname(outfile), { recursive: true });
  const tmp = opts.prepared || opts.workDir ? undefined : mkdtempSync(join(tmpdir(), "tscni-build-"));
  try {
    const prep = opts.prepared ?? (await prepareEntry(entry, { ...opts, workDir: opts.workDir ?? tmp! }));
    const trailer = identityTrailer(entry);
    let upToDate: boolean;
    if (opts.target === "node") {
      upToDate = !writeIfChanged(outfile, prep.bundle.code + trailer) && !opts.force;
    } else {
      const flags = prep.conditions.map((c) => `--conditions=${c}`);
      const key = buildKey(prep.bundle.code + trailer, getBunVersion(), [...BUN_FLAGS, ...flags].join(" "));
      upToDate = !opts.force && isUpToDate(outfile, key);
      if (!upToDate) {
        await compileStandalone(prep.source, outfile, flags, trailer);
        recordKey(outfile, key);
      }
    }
    const embedded = prep.embeds.map((e) => e.type);
    return { entry, target: opts.target, outfile, upToDate, bytes: statSync(outfile).size, ms: performance.now() - start, embedded };
  } finally {
    if (tmp) rmSync(tmp, { recursive: true, force: true });
  }
}
