import { statSync, mkdirSync, mkdtempSync, readFileSync, rmSync } from "node:fs";
import { createRequire } from "node:module";
import { tmpdir } from "node:os";
import { dirname, join, resolve } from "node:path";
import { embeddingEntry, embedSpecs, resolveEmbeds } from "./embed.js";
import { bundleAsBunSees, bundleForNode, type NodeBundle } from "./node-bundle.js";
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

/** An entry ready for the bundlers: the file to build (a generated wrapper, or the entry), its node bundle and identity trailer. */
export interface PreparedEntry {
  source: string;
  /** Delegate types the executable runs in-process. */
  embedded: string[];
  /** The export conditions it was resolved with (the standalone compile uses the same). */
  conditions: readonly string[];
  bundle: NodeBundle;
  /** The identity line appended to both targets ("" for none). */
  trailer: string;
  /** A multi-call file: the names it answers to. */
  held?: string[];
  /** Bun flags of this entry's standalone on top of BUN_FLAGS. */
  standaloneFlags?: readonly string[];
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
  /** A multi-call file: the names it answers to. */
  held?: string[];
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
  return { source, embedded: embeds.map((e) => e.type), conditions, bundle: await bundleForNode(source, { conditions }), trailer: identityTrailer(entry) };
}

/** Build one plugin entry (a main.ts calling pluginMain) into a single executable file. */
export async function buildExecutable(entryArg: string, opts: BuildOptions): Promise<BuildResult> {
  const entry = resolve(entryArg);
  return writeExecutable(entry, opts, (workDir) => prepareEntry(entry, { ...opts, workDir }));
}

/**
 * Write the target of a prepared entry (prepared here in a temporary directory unless
 * `opts.prepared` or `opts.workDir` is given); the standalone only when its inputs changed.
 * `entry` is what the result names (default: the generated source).
 */
export async function writeExecutable(entry: string | undefined, opts: BuildOptions, prepare: (workDir: string) => Promise<PreparedEntry>): Promise<BuildResult> {
  const start = performance.now();
  const outfile = resolve(opts.outfile);
  mkdirSync(dirname(outfile), { recursive: true });
  const tmp = opts.prepared || opts.workDir ? undefined : mkdtempSync(join(tmpdir(), "tscni-build-"));
  try {
    const prep = opts.prepared ?? (await prepare(opts.workDir ?? tmp!));
    let upToDate: boolean;
    if (opts.target === "node") {
      upToDate = !writeIfChanged(outfile, prep.bundle.code + prep.trailer) && !opts.force;
    } else {
      const flags = [...(prep.standaloneFlags ?? []), ...prep.conditions.map((c) => `--conditions=${c}`)];
      const seen = await bundleAsBunSees(prep.source, { conditions: prep.conditions });
      const key = buildKey(seen.code + prep.trailer, getBunVersion(), [...BUN_FLAGS, ...flags].join(" "));
      upToDate = !opts.force && isUpToDate(outfile, key);
      if (!upToDate) {
        await compileStandalone(prep.source, outfile, flags, prep.trailer);
        recordKey(outfile, key);
      }
    }
    return {
      entry: entry ?? prep.source, target: opts.target, outfile, upToDate, bytes: statSync(outfile).size, ms: performance.now() - start, embedded: prep.embedded,
      ...(prep.held ? { held: prep.held } : {}),
    };
  } finally {
    if (tmp) rmSync(tmp, { recursive: true, force: true });
  }
}
