/** The two executable flavours a plugin can be built into. */
export type Target = "standalone" | "node";
export const TARGETS: readonly Target[] = ["standalone", "node"];

/**
 * Bun flags for the standalone target, chosen by measuring start-up (packages/build/README.md):
 * --bytecode skips parsing at startup (about 2x faster for a zod-using plugin); a plugin
 * lives a few ms, so JIT tier-up mostly costs compile time it never earns back
 * (--compile-jit-policy=100: ~20% less CPU for VERSION); ESM chunks per dynamic import
 * (--format=esm --splitting), so a call reads the bytecode of the chunks it reaches only: a
 * VERSION not the plugin's (7% fewer page faults for loopback's), a multi-call file's call
 * not every plugin's; the autoload switches stop the binary
 * from probing cwd for .env/bunfig.toml on every exec (a plugin must not read those anyway).
 */
export const BUN_FLAGS = [
  "--compile",
  "--minify",
  "--bytecode",
  "--compile-jit-policy=100",
  "--format=esm",
  "--splitting",
  "--no-compile-autoload-dotenv",
  "--no-compile-autoload-bunfig",
  "--no-compile-autoload-tsconfig",
  "--no-compile-autoload-package-json",
] as const;

/** First line of the node target: an executable that finds node on PATH. */
export const NODE_SHEBANG = "#!/usr/bin/env node";

/**
 * The export condition under which every @tscni package names its TypeScript source
 * (`"tscni-source": "./src/x.ts"` beside `types` and `import` of the compiled dist/). A
 * build or a test run that resolves it uses our packages' source: this repository's own
 * builds and tests do; an author's project resolves the compiled files.
 */
export const SOURCE_CONDITION = "tscni-source";

/** The custom export conditions this process resolves with (node's `--conditions`/`-C`, in its arguments or NODE_OPTIONS). */
export function processConditions(execArgv: readonly string[] = process.execArgv, nodeOptions = process.env.NODE_OPTIONS ?? ""): string[] {
  const args = [...execArgv, ...nodeOptions.split(/\s+/).filter(Boolean)];
  const found: string[] = [];
  for (let i = 0; i < args.length; i++) {
    const m = /^(?:--conditions|-C)(?:=(.*))?$/.exec(args[i]!);
    if (!m) continue;
    const value = m[1] ?? args[++i];
    if (value && !found.includes(value)) found.push(value);
  }
  return found;
}

/**
 * A build's export conditions unless told: SOURCE_CONDITION when the process running the build
 * resolves it (this repository's tools and tests: our packages built from source), else none
 * (an author's project: our packages' compiled files).
 */
export function defaultConditions(): string[] {
  return processConditions().includes(SOURCE_CONDITION) ? [SOURCE_CONDITION] : [];
}
