export { buildExecutable, prepareEntry, writeExecutable, type BuildOptions, type BuildResult, type EmbedOptions, type PreparedEntry } from "./build.js";
export { embeddingEntry, embedSpecs, resolveEmbeds, type Embed } from "./embed.js";
export { buildMultiCall, multiCallEntries, prepareMultiCall, type MultiCallEntry } from "./multi-call.js";
export { bundleForNode, type NodeBundle } from "./node-bundle.js";
export { bunPath } from "./bun-path.js";
export { parseArgs, type CliArgs } from "./cli.js";
export { TARGETS, BUN_FLAGS, SOURCE_CONDITION, defaultConditions, type Target } from "./options.js";
export { compileWithModuleMarks, markedModules, MODULE_MARK } from "./module-marks.js";
