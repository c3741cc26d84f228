// @tscni/bridge: the bridge plugin as a library (schema, handlers, shared-state helpers).
export { bridgePlugin } from "./plugin.js";
export { bridgeConfigSchema, type BridgeConfigInput } from "./schema.js";
export { instanceOf } from "./context.js";
export { loadConf, checkAddRules, DEFAULT_BRIDGE, DEFAULT_STATE_DIR, type BridgeConf } from "./config.js";
export { add } from "./handlers/add.js";
export { del } from "./handlers/del.js";
export { check } from "./handlers/check.js";
export { init, deinit, gc, status } from "./handlers/lifecycle.js";
export { setupNetwork, type SetupOptions } from "./setup-network.js";
export { releaseInstance } from "./release-instance.js";
export { readNetwork, readBridge, type NetworkRecord, type InstanceRecord, type BridgeRecord } from "./records.js";
export { applyGateways, subnetsFromIpam, type SubnetInfo } from "./gateways.js";
export { collectVlanTrunk } from "./vlan-trunk.js";
export { attachmentAlias, parseAttachmentAlias } from "./alias.js";
