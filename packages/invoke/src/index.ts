export { findPlugin, splitCniPath } from "./find.js";
export { runPlugin, execPlugin, interpretOutput, type ExecOptions, type ExecOutput } from "./exec.js";
export { buildCniEnv, type CniEnv } from "./env.js";
export { startDelegate, DEFAULT_TIMEOUT_MS, type Delegation, type DelegateAnswer, type DelegateCommand, type DelegateOptions } from "./start.js";
export { delegate, delegateAdd, delegateDel, delegateLifecycle, delegateVersions, ipamType } from "./delegate.js";
export { answeredNotImplemented, speaksLifecycle, type LifecycleVerb } from "./lifecycle-support.js";
export { registerEmbedded, registeredEmbedded, type EmbeddedPlugin } from "./registry.js";
export { embeddedFor } from "./embedded-for.js";
export { runEmbedded } from "./embedded.js";
