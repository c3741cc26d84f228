// The cluster-wide address pool on etcd behind cluster-ipam (and the tscni CLI's operator
// commands): config, key layout, blocks, allocation with compare-and-swap, release, usage.
export * from "./schema.js";
export * from "./config.js";
export { PoolKeys, handleId, handleNode } from "./keys.js";
export { blockAddresses, blockByName, blockName, blockOf, blocksOf, parseBlockName, type Address, type Block } from "./blocks.js";
export { Allocator, type Allocation, type Attachment } from "./allocate.js";
export { Releaser } from "./release.js";
export { checkAvailable, poolUsage, setUsage, type BlockUsage, type PoolUsage, type SetUsage } from "./usage.js";
export { ensurePool } from "./definition.js";
export { checkDefinition, describeDefinition, parseHandle, parsePoolDefinition, type HandleRecord, type PoolDefinition } from "./records.js";
export { readBlocks, type BlockState } from "./view.js";
