export { findPlugin, splitCniPath } from "./find.js";
export { runPlugin, execPlugin, interpretOutput, type ExecOptions, type ExecOutput } from "./exec.js";
export { buildCniEnv, type CniEnv } from "./env.js";
export { delegate, delegateAdd, delegateDel, delegateLifecycle, delegateVersions, ipamType, type DelegateCommand, type DelegateOptions } from "./delegate.js";
export { answeredNotImplemented, speaksLifecycle, type LifecycleVerb } from "./lifecycle-support.js";
export { embeddedFor, type EmbeddedPlugin, type EmbeddedPlugins } from "./embedded-for.js";
export { runEmbedded } from "./embedded.js";
