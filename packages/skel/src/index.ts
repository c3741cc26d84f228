export { pluginMain, type MainOptions } from "./main.js";
export { dispatch, type DispatchInput } from "./in-process.js";
export { run, type Io, type Outcome } from "./dispatch.js";
export type { Plugin, Context } from "./plugin.js";
export { VERBS, readCmdEnv, type Verb, type CmdEnv } from "./env.js";
export { validateContainerId, validateIfName, validateNetworkName } from "./names.js";
export { createLogger, type Logger, type LoggerOptions, type LogLevel } from "./logger.js";
export { readStdinSync, stdinOrError, MAX_STDIN_BYTES } from "./stdin.js";
export { readFdSync, type FdRead } from "./read-fd.js";
