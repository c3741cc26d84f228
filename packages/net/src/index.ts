// @tscni/net: host networking as typed async calls (iproute2, nft, iptables run with argv arrays).
export { run, execStats, resetExecStats, ExecError, isExecFailure, classify, type ExecFailure, type ExecResult, type ExecOptions } from "./exec.js";
export { openNetns, sameNetns, inNetns, runIn, netnsTarget, CURRENT_NETNS, NetnsError, type Netns } from "./netns.js";
export { checkIfName, checkMac, randomVethName, isV6 } from "./names.js";
export { runBatch } from "./ipcmd.js";
export { getLink, listLinks, setLink, deleteLink, linkSetArgs, linkDelArgs, type Link, type LinkChanges, type LinkFilter } from "./link.js";
export { ensureBridge, setBridgePort, bridgeAddArgs, bridgePortArgs, type BridgeOptions, type BridgePortFlags } from "./bridge.js";
export { setPortVlans, listPortVlans, portVlanCmds, type PortVlans, type VlanEntry } from "./vlan.js";
export { createVeth, vethAddArgs, type VethOptions } from "./veth.js";
export { addAddr, delAddr, listAddrs, addrArgs, type Addr, type AddrOptions } from "./addr.js";
export { addRoute, replaceRoute, delRoute, listRoutes, routeArgs, type Route, type RouteEntry, type RouteFilter } from "./route.js";
export { setSysctls, getSysctl, ifSysctl, announceSysctls, type SysctlOptions } from "./sysctl.js";
export { ipBatch, IpBatch } from "./batch.js";
export * from "./masq/index.js";
export * from "./netlink/index.js";
