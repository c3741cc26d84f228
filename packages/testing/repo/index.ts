// This repository's own test helpers: they know where the repository and its built
// executables are. Reachable only under the tscni-source export condition (this
// repository's tests and tools), never from the published package.
export {
  REPO_ROOT,
  distPath,
  pluginExecutable,
  bunBinary,
  executableRunners,
  type ExecutableTarget,
  type ExecutableRunner,
} from "./executables.js";
export { nodeTs, bunTs } from "./node-ts.js";
