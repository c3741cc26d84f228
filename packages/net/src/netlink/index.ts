// In-process rtnetlink for the standalone build (bun:ffi); Node callers exec `ip` instead.
export { Rtnl, NetlinkError } from "./socket.js";
export { nlGetLink, nlListAddrs, nlSetUp, nlSetAlias, nlSetBridgePort, nlDeleteLink, nlCreateVeth, nlAddAddr, nlAddRoute, type NlLink, type NlVeth, type NlRoute } from "./ops.js";

import { libc } from "../libc.js";
/** True where this process can speak netlink itself (the standalone build). */
export const netlinkInProcess = async (): Promise<boolean> => (await libc()) !== undefined;
