// @tscni/net: host networking as typed operations. Which backend runs them (in-process
// rtnetlink in the standalone build, iproute2 elsewhere) is decided inside, once.
export { apply } from "./apply.js";
export { randomVethName } from "./run-plan.js";
export {
  getLink, listLinks, createBridge, createVeth, setLink, deleteLink, setBridgePort, setPortVlans, listPortVlans,
  addAddr, delAddr, listAddrs, addRoute, replaceRoute, delRoute, listRoutes,
} from "./calls.js";
export { ensureBridge } from "./ensure-bridge.js";
export type { NetOp, OpResult, PlanResults, LinkChanges, BridgePortFlags, PortVlans, BridgeSpec, VethSpec, AddrSpec } from "./ops.js";
export { checkMac } from "./ops.js";
export type { Link, BridgePortState, Addr, Route, RouteEntry, RouteFilter, LinkFilter, AddrFilter, PortVlan, ScopeName, TableRef } from "./model.js";
export { NetError, isFailure, type NetFailure } from "./errors.js";
export { setSysctls, getSysctl, ifSysctl, announceSysctls, type SysctlOptions } from "./sysctl.js";
export { withNetns, type Sync } from "./with-netns.js";
export { setupMacSpoofCheck, teardownMacSpoofCheck, type MacSpoofCheck } from "./macspoofchk.js";
export { openNetns, sameNetns, runIn, CURRENT_NETNS, NetnsError, type Netns } from "./netns.js";
export { run, execStats, resetExecStats, ExecError, type ExecFailure, type ExecResult, type ExecOptions } from "./exec.js";
export { checkIfName } from "@tscni/types/names";
export { checkInterfaceIPs, checkRoutes, expectAddresses, expectRoutes } from "./check-result.js";
export * from "./masq/index.js";
