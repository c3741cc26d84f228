export { buildExecutable, prepareEntry, type BuildOptions, type BuildResult, type EmbedOptions, type PreparedEntry } from "./build.js";
export { embeddingEntry, embedSpecs, resolveEmbeds, type Embed } from "./embed.js";
export { bundleForNode, type NodeBundle } from "./node-bundle.js";
export { bunPath } from "./bun-path.js";
export { parseArgs, type CliArgs } from "./cli.js";
export { TARGETS, BUN_FLAGS, SOURCE_CONDITION, defaultConditions, type Target } from "./options.js";
