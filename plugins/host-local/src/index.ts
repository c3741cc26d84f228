// host-local as a library: schema, normalisation, store, allocator and handlers.
export * from "./schema.js";
export * from "./config.js";
// The shared range rules host-local is built on, part of its library API as before they moved.
export { rangeFor, rangeSetString, type Range, type RangeSet } from "@tscni/ipam-ranges";
export * from "./store.js";
export { retireStore, type Retired } from "./retire-store.js";
export * from "./allocator.js";
export * from "./handlers/index.js";
export { plugin } from "./plugin.js";
export * from "./owner-index.js";
export { keyHash } from "./key-hash.js";
export { lookupBase, writeBase } from "./base-file.js";
export { bootId } from "./boot-id.js";
export { HOST_LOCAL_IDENTITY } from "./identity.js";
