export { exec, execOk, type ExecOptions, type ExecResult } from "./exec.js";
export { runPrefix, runToken, uniqueName } from "./names.js";
export {
  createSandbox,
  withSandbox,
  createNetns,
  deleteNetns,
  netnsPath,
  runIn,
  type Netns,
  type Sandbox,
  type SandboxOptions,
  type RunOptions,
} from "./sandbox.js";
export { leftovers, type Leftovers } from "./leftovers.js";
export { cleanupAllSync } from "./cleanup-registry.js";
export { canConnect } from "./traffic.js";
export { isLinkUp } from "./link-state.js";
export { runExecutable, encodeStdin, parseJson, type RunPluginOptions, type PluginRun } from "./run-executable.js";
export { runInProcess, type InProcessRun } from "./run-in-process.js";
export { execEnv } from "./exec-env.js";
export { buildTargets, type BuiltTargets } from "./build-targets.js";
