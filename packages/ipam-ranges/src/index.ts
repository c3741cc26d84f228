// What range-based IPAM plugins (host-local, cluster-ipam) share: the range keys of the
// config, their normalisation and checks, requested addresses, resolv.conf, the result.
export * from "./schema.js";
export * from "./range.js";
export * from "./requested.js";
export * from "./normalise.js";
export * from "./resolv-conf.js";
export * from "./result.js";
export * from "./held.js";
