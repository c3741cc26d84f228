/** The two executable flavours a plugin can be built into. */
export type Target = "standalone" | "node";
export const TARGETS: readonly Target[] = ["standalone", "node"];

/**
 * Bun flags for the standalone target, chosen by measuring VERSION startup
 * (test/bench): --bytecode skips parsing at startup (about 2x faster for a
 * zod-using plugin); the autoload switches stop the binary from probing cwd
 * for .env/bunfig.toml on every exec (a plugin must not read those anyway);
 * a plugin lives a few ms, so JIT tier-up mostly costs compile time it never
 * earns back: --compile-jit-policy=100 cut VERSION CPU time by ~20% in test/bench.
 */
export const BUN_FLAGS = [
  "--compile",
  "--minify",
  "--bytecode",
  "--compile-jit-policy=100",
  "--no-compile-autoload-dotenv",
  "--no-compile-autoload-bunfig",
  "--no-compile-autoload-tsconfig",
  "--no-compile-autoload-package-json",
] as const;

/** First line of the node target: an executable that finds node on PATH. */
export const NODE_SHEBANG = "#!/usr/bin/env node";
