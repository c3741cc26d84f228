// cluster-ipam as a library: the plugin object and its handlers (the pool logic is @tscni/cluster-pool).
export { plugin } from "./plugin.js";
export * from "./handlers/index.js";
