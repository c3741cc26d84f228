export { loopbackPlugin } from "./plugin.js";
export { loopbackConfigSchema } from "./config.js";
export { add, del, check } from "./handlers.js";
export { setLo, readLo, type LoState } from "./lo.js";
