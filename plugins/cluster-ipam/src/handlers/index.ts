export { add } from "./add.js";
export { del } from "./del.js";
export { check } from "./check.js";
export { gc } from "./gc.js";
export { status } from "./status.js";
export { init, deinit } from "./lifecycle.js";
export { withPool, STATS_ENV, type ClusterContext, type Loaded } from "./context.js";
