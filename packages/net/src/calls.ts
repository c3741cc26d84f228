import { applyOne } from "./apply.js";
import type { Addr, AddrFilter, Link, LinkFilter, PortVlan, Route, RouteEntry, RouteFilter } from "./model.js";
import type { Netns } from "./netns.js";
import type { AddrSpec, BridgePortFlags, BridgeSpec, LinkChanges, PortVlans, VethSpec } from "./ops.js";

// Each host operation as a call of its own: a one-op plan (see apply for errors and results).

/** The link named `name`, or undefined. */
export const getLink = (ns: Netns, name: string): Promise<Link | undefined> => applyOne(ns, { op: "getLink", name });

export const listLinks = (ns: Netns, f: LinkFilter = {}): Promise<Link[]> => applyOne(ns, { op: "listLinks", ...f });

/** A new bridge, read back (a name that is taken: NetError "exists"). See ensureBridge to create or adopt one. */
export const createBridge = (ns: Netns, o: BridgeSpec): Promise<Link> => applyOne(ns, { op: "createBridge", ...o });

/**
 * A veth pair: the near end in `ns` (on its master, with its alias and port flags, up as
 * asked), the far end created directly in `o.peerNetns`. Returns the near end read back.
 */
export const createVeth = (ns: Netns, o: VethSpec): Promise<Link> => applyOne(ns, { op: "createVeth", ...o });

export const setLink = (ns: Netns, name: string, c: LinkChanges): Promise<void> => applyOne(ns, { op: "setLink", name, ...c });

/** False when it was already gone (DEL is idempotent); a veth's peer goes with it. */
export const deleteLink = (ns: Netns, name: string): Promise<boolean> => applyOne(ns, { op: "deleteLink", name });

export const setBridgePort = (ns: Netns, name: string, f: BridgePortFlags): Promise<void> => applyOne(ns, { op: "setBridgePort", name, ...f });

/** Needs kernel bridge VLAN filtering (NetError "unsupported" without it). */
export const setPortVlans = (ns: Netns, port: string, v: PortVlans): Promise<void> => applyOne(ns, { op: "setPortVlans", name: port, ...v });

export const listPortVlans = (ns: Netns, port: string): Promise<PortVlan[]> => applyOne(ns, { op: "listPortVlans", name: port });

export const addAddr = (ns: Netns, dev: string, cidr: string, o: Omit<AddrSpec, "dev" | "cidr"> = {}): Promise<void> => applyOne(ns, { op: "addAddr", dev, cidr, ...o });

/** False when the address (or the device) was not there. */
export const delAddr = (ns: Netns, dev: string, cidr: string): Promise<boolean> => applyOne(ns, { op: "delAddr", dev, cidr });

export const listAddrs = (ns: Netns, f: AddrFilter = {}): Promise<Addr[]> => applyOne(ns, { op: "listAddrs", ...f });

export const addRoute = (ns: Netns, r: Route): Promise<void> => applyOne(ns, { op: "addRoute", ...r });

export const replaceRoute = (ns: Netns, r: Route): Promise<void> => applyOne(ns, { op: "replaceRoute", ...r });

/** False when no such route existed. */
export const delRoute = (ns: Netns, r: Route): Promise<boolean> => applyOne(ns, { op: "delRoute", ...r });

/** Routes of the main table by default (`table: "all"` for every table), both families unless one is asked for. */
export const listRoutes = (ns: Netns, f: RouteFilter = {}): Promise<RouteEntry[]> => applyOne(ns, { op: "listRoutes", ...f });
