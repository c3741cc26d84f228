// This repository's own test helpers: they know where the repository and its built
// executables are. Reachable only under the tscni-source export condition (this
// repository's tests and tools), never from the published package.
export {
  REPO_ROOT,
  distPath,
  pluginExecutable,
  testPlugins,
  testedTargets,
  multiCallFile,
  multiCallNames,
  bunBinary,
  executableRunners,
  type ExecutableTarget,
  type TestPlugins,
  type ExecutableRunner,
} from "./executables.js";
export { nodeTs, bunTs } from "./node-ts.js";
