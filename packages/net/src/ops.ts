import { CniError, ErrorCode } from "@tscni/types";
import { formatIP, parseCIDR, parseIP } from "@tscni/types/ip";
import { checkIfName } from "@tscni/types/names";
import type { AddrFilter, Link, LinkFilter, PortVlan, Addr, Route, RouteEntry, RouteFilter, TableRef } from "./model.js";
import { tableNumber } from "./model.js";
import type { Netns } from "./netns.js";

/*
 * The host operations as data: what a plugin wants done in one netns. `apply` runs a list
 * of them in one round trip (one netlink conversation, or one `ip -batch` exec); the
 * single-operation calls (setLink, addAddr, ...) are one-item lists. Every operation is
 * checked here, before anything runs, the same way for both backends.
 */

/** Changes to one link. */
export interface LinkChanges {
  up?: boolean | undefined;
  mtu?: number | undefined;
  mac?: string | undefined;
  /** Enslave to this bridge; null releases it. */
  master?: string | null | undefined;
  alias?: string | undefined;
  promisc?: boolean | undefined;
  /** Move into this netns (the link then leaves the one the operation runs in). */
  netns?: Netns | undefined;
  /** New name (a link must be down to be renamed). */
  rename?: string | undefined;
  /** Bridges only: VLAN filtering on or off. */
  vlanFiltering?: boolean | undefined;
}

/** Flags of a bridge port. */
export interface BridgePortFlags {
  hairpin?: boolean | undefined;
  isolated?: boolean | undefined;
  learning?: boolean | undefined;
}

/** VLANs of a bridge port (the bridge needs VLAN filtering). */
export interface PortVlans {
  /** Access VLAN: pvid, untagged on egress. */
  pvid?: number | undefined;
  /** Tagged VLANs: ids or inclusive [from, to] ranges. */
  trunk?: ReadonlyArray<number | readonly [number, number]> | undefined;
  /** Drop VLAN 1, which the kernel gives every new port. */
  removeDefault?: boolean | undefined;
}

export interface BridgeSpec {
  name: string;
  mtu?: number | undefined;
  /** Given at creation, it pins the bridge's MAC (ports joining later never change it). */
  mac?: string | undefined;
  vlanFiltering?: boolean | undefined;
  promisc?: boolean | undefined;
  up?: boolean | undefined;
}

export interface VethSpec {
  /** The near end, in the netns the operation runs in; omitted: "veth" + 8 random hex digits, retried on collision. */
  name?: string | undefined;
  /** The far end, created directly in `peerNetns`. */
  peerName: string;
  peerNetns: Netns;
  /** Both ends. */
  mtu?: number | undefined;
  mac?: string | undefined;
  peerMac?: string | undefined;
  /** The near end's bridge, alias, port flags and state. */
  master?: string | undefined;
  alias?: string | undefined;
  port?: BridgePortFlags | undefined;
  up?: boolean | undefined;
}

export interface AddrSpec {
  dev: string;
  cidr: string;
  /** IPv6: skip duplicate address detection (usable at once). */
  nodad?: boolean | undefined;
  scope?: "global" | "link" | "host" | undefined;
}

export type NetOp =
  | ({ op: "createBridge" } & BridgeSpec)
  | ({ op: "createVeth" } & VethSpec)
  | ({ op: "setLink"; name: string } & LinkChanges)
  | { op: "deleteLink"; name: string }
  | ({ op: "setBridgePort"; name: string } & BridgePortFlags)
  | ({ op: "setPortVlans"; name: string } & PortVlans)
  | ({ op: "addAddr" } & AddrSpec)
  | { op: "delAddr"; dev: string; cidr: string }
  | ({ op: "addRoute" | "replaceRoute" | "delRoute" } & Route)
  | { op: "getLink"; name: string }
  | ({ op: "listLinks" } & LinkFilter)
  | ({ op: "listAddrs" } & AddrFilter)
  | ({ op: "listRoutes" } & RouteFilter)
  | { op: "listPortVlans"; name: string };

/** What each operation gives back in `apply`'s results. */
export type OpResult<O extends NetOp> = O extends { op: "createBridge" | "createVeth" }
  ? Link
  : O extends { op: "getLink" }
    ? Link | undefined
    : O extends { op: "listLinks" }
      ? Link[]
      : O extends { op: "listAddrs" }
        ? Addr[]
        : O extends { op: "listRoutes" }
          ? RouteEntry[]
          : O extends { op: "listPortVlans" }
            ? PortVlan[]
            : O extends { op: "deleteLink" | "delAddr" | "delRoute" }
              ? boolean
              : undefined;

export type PlanResults<T extends readonly NetOp[]> = { -readonly [K in keyof T]: OpResult<T[K]> };

/** Operations that only read. */
export const isQuery = (o: NetOp): boolean => o.op.startsWith("get") || o.op.startsWith("list");
/** Deletions: "already gone" is a result (false), not a failure. */
export const isDeletion = (o: NetOp): boolean => o.op === "deleteLink" || o.op === "delAddr" || o.op === "delRoute";

const bad = (msg: string, details?: string) => new CniError(ErrorCode.InvalidConfig, msg, details);

const MAC = /^[0-9a-f]{2}(?::[0-9a-f]{2}){5}$/i;
export function checkMac(mac: string, what = "MAC address"): string {
  if (typeof mac !== "string" || !MAC.test(mac)) throw bad(`invalid ${what} ${JSON.stringify(mac)}`);
  return mac.toLowerCase();
}

export function checkInt(n: number, min: number, max: number, what: string): number {
  if (!Number.isInteger(n) || n < min || n > max) throw bad(`invalid ${what} ${n} (want ${min}..${max})`);
  return n;
}

const checkMtu = (n: number) => checkInt(n, 68, 65535, "mtu");
const checkVid = (n: number) => checkInt(n, 1, 4094, "VLAN id");

/** A CIDR in canonical text with its family (host bits kept: "10.1.0.2/24"). */
export function checkCidr(s: string, what = "CIDR"): { cidr: string; family: 4 | 6 } {
  const c = typeof s === "string" ? parseCIDR(s) : undefined;
  if (!c) throw bad(`invalid ${what} ${JSON.stringify(s)}`);
  return { cidr: `${formatIP(c.ip)}/${c.prefix}`, family: c.ip.family };
}

export function checkIP(s: string, what = "address"): { ip: string; family: 4 | 6 } {
  const ip = typeof s === "string" ? parseIP(s) : undefined;
  if (!ip) throw bad(`invalid ${what} ${JSON.stringify(s)}`);
  return { ip: formatIP(ip), family: ip.family };
}

/** Kernel limit (IFALIASZ - 1), and words `ip -batch` reads back as one. */
function checkAlias(a: string): string {
  if (typeof a !== "string" || Buffer.byteLength(a) > 255 || !/^[^\s"'\\#\x00-\x1f\x7f]+$/u.test(a)) {
    throw bad(`invalid interface alias ${JSON.stringify(a)}`, "an alias is 1..255 bytes without whitespace, quotes, backslash, # or control characters");
  }
  return a;
}

function checkTable(t: TableRef): number {
  if (typeof t === "string" && !["default", "main", "local"].includes(t)) throw bad(`invalid route table ${JSON.stringify(t)}`);
  return checkInt(tableNumber(t), 0, 0xffffffff, "route table");
}

function checkPortFlags(f: BridgePortFlags): BridgePortFlags {
  for (const k of ["hairpin", "isolated", "learning"] as const) {
    if (f[k] !== undefined && typeof f[k] !== "boolean") throw bad(`invalid bridge port flag ${k}`);
  }
  return f;
}

/** A route with its family settled, default as a CIDR, every field checked. */
export type CheckedRoute = Route & { family: 4 | 6; dst: string; table: number };

export function checkRoute(r: Route): CheckedRoute {
  const via = r.via === undefined ? undefined : checkIP(r.via, "gateway");
  const src = r.src === undefined ? undefined : checkIP(r.src, "source address");
  let family: 4 | 6;
  let dst: string;
  if (r.dst === "default") {
    family = r.family ?? via?.family ?? src?.family ?? 4;
    dst = family === 4 ? "0.0.0.0/0" : "::/0";
  } else {
    ({ cidr: dst, family } = checkCidr(r.dst, "route destination"));
  }
  if ((via && via.family !== family) || (src && src.family !== family)) throw bad(`route ${r.dst}: gateway and source must be of the destination's family`);
  if (r.scope !== undefined && (typeof r.scope === "number" ? !Number.isInteger(r.scope) || r.scope < 0 || r.scope > 255 : !["global", "link", "host"].includes(r.scope))) {
    throw bad(`invalid route scope ${JSON.stringify(r.scope)}`);
  }
  return {
    dst, family, table: checkTable(r.table ?? "main"),
    ...(via ? { via: via.ip } : {}),
    ...(src ? { src: src.ip } : {}),
    ...(r.dev !== undefined ? { dev: checkIfName(r.dev) } : {}),
    ...(r.scope !== undefined ? { scope: r.scope } : {}),
    ...(r.metric !== undefined ? { metric: checkInt(r.metric, 0, 0xffffffff, "route metric") } : {}),
    ...(r.mtu !== undefined ? { mtu: checkMtu(r.mtu) } : {}),
    ...(r.onlink ? { onlink: true } : {}),
  };
}

/** Trunk entries as sorted, checked [from, to] ranges. */
export function trunkRanges(trunk: PortVlans["trunk"]): Array<[number, number]> {
  return (trunk ?? []).map((t) => {
    const [a, b] = typeof t === "number" ? [t, t] : t;
    checkVid(a);
    checkVid(b);
    if (b < a) throw bad(`invalid VLAN range ${a}-${b}`);
    return [a, b] as [number, number];
  });
}

/** The operation checked and normalised (MACs lower case, CIDRs canonical, routes settled): what both backends run. */
export function checkOp(o: NetOp): NetOp {
  switch (o.op) {
    case "createBridge":
      return {
        ...o, name: checkIfName(o.name, "bridge name"),
        ...(o.mtu !== undefined ? { mtu: checkMtu(o.mtu) } : {}),
        ...(o.mac !== undefined ? { mac: checkMac(o.mac) } : {}),
      };
    case "createVeth":
      return {
        ...o,
        ...(o.name !== undefined ? { name: checkIfName(o.name) } : {}),
        peerName: checkIfName(o.peerName, "peer name"),
        ...(o.mtu !== undefined ? { mtu: checkMtu(o.mtu) } : {}),
        ...(o.mac !== undefined ? { mac: checkMac(o.mac) } : {}),
        ...(o.peerMac !== undefined ? { peerMac: checkMac(o.peerMac, "peer MAC address") } : {}),
        ...(o.master !== undefined ? { master: checkIfName(o.master, "bridge name") } : {}),
        ...(o.alias !== undefined ? { alias: checkAlias(o.alias) } : {}),
        ...(o.port !== undefined ? { port: checkPortFlags(o.port) } : {}),
      };
    case "setLink":
      return {
        ...o, name: checkIfName(o.name),
        ...(o.mtu !== undefined ? { mtu: checkMtu(o.mtu) } : {}),
        ...(o.mac !== undefined ? { mac: checkMac(o.mac) } : {}),
        ...(typeof o.master === "string" ? { master: checkIfName(o.master, "bridge name") } : {}),
        ...(o.alias !== undefined ? { alias: checkAlias(o.alias) } : {}),
        ...(o.rename !== undefined ? { rename: checkIfName(o.rename, "new interface name") } : {}),
      };
    case "deleteLink":
    case "getLink":
    case "listPortVlans":
      return { ...o, name: checkIfName(o.name) };
    case "setBridgePort":
      return { ...checkPortFlags(o), op: o.op, name: checkIfName(o.name) };
    case "setPortVlans":
      trunkRanges(o.trunk);
      if (o.pvid !== undefined) checkVid(o.pvid);
      return { ...o, name: checkIfName(o.name) };
    case "addAddr": {
      const { cidr } = checkCidr(o.cidr);
      if (o.scope !== undefined && !["global", "link", "host"].includes(o.scope)) throw bad(`invalid address scope ${JSON.stringify(o.scope)}`);
      return { ...o, dev: checkIfName(o.dev), cidr };
    }
    case "delAddr":
      return { ...o, dev: checkIfName(o.dev), cidr: checkCidr(o.cidr).cidr };
    case "addRoute":
    case "replaceRoute":
    case "delRoute":
      return { op: o.op, ...checkRoute(o) };
    case "listLinks":
      return { ...o, ...(o.master !== undefined ? { master: checkIfName(o.master, "bridge name") } : {}) };
    case "listAddrs":
      return { ...o, ...(o.dev !== undefined ? { dev: checkIfName(o.dev) } : {}) };
    case "listRoutes":
      return { ...o, ...(o.dev !== undefined ? { dev: checkIfName(o.dev) } : {}), ...(o.table !== undefined && o.table !== "all" ? { table: checkTable(o.table) } : {}) };
    default:
      throw bad(`unknown host operation ${JSON.stringify((o as { op?: unknown }).op)}`);
  }
}

const onOff = (b: boolean) => (b ? "on" : "off");

/** `ip link set` words for `c` (`netns` says how to name a target netns). */
export function linkSetWords(name: string, c: LinkChanges, netns: (ns: Netns) => string[]): string[] {
  const w = ["link", "set", "dev", name];
  if (c.rename !== undefined) w.push("name", c.rename);
  if (c.mtu !== undefined) w.push("mtu", String(c.mtu));
  if (c.mac !== undefined) w.push("address", c.mac);
  if (c.master === null) w.push("nomaster");
  else if (c.master !== undefined) w.push("master", c.master);
  if (c.alias !== undefined) w.push("alias", c.alias);
  if (c.promisc !== undefined) w.push("promisc", onOff(c.promisc));
  if (c.netns !== undefined) w.push(...netns(c.netns));
  if (c.up !== undefined) w.push(c.up ? "up" : "down");
  if (c.vlanFiltering !== undefined) w.push("type", "bridge", "vlan_filtering", c.vlanFiltering ? "1" : "0");
  return w;
}

/** `ip link set dev NAME type bridge_slave ...` words for the flags given. */
export function portWords(name: string, f: BridgePortFlags): string[] {
  const w = ["link", "set", "dev", name, "type", "bridge_slave"];
  for (const k of ["hairpin", "isolated", "learning"] as const) if (f[k] !== undefined) w.push(k, onOff(f[k]));
  return w;
}

export function routeWords(verb: string, r: Route): string[] {
  const w = ["route", verb, r.dst];
  if (r.via !== undefined) w.push("via", r.via);
  if (r.dev !== undefined) w.push("dev", r.dev);
  if (r.src !== undefined) w.push("src", r.src);
  if (r.scope !== undefined) w.push("scope", String(r.scope));
  if (r.table !== undefined && r.table !== 254) w.push("table", String(r.table));
  if (r.metric !== undefined) w.push("metric", String(r.metric));
  if (r.mtu !== undefined) w.push("mtu", String(r.mtu));
  if (r.onlink) w.push("onlink");
  return w;
}

/**
 * The operation as one would type it to `ip` (or `bridge` for VLANs): every error names
 * it this way, whichever backend ran it. (The iproute2 backend's own command lines are
 * in iproute2/lines.ts; the words here leave out netns targets.)
 */
export function describeOp(o: NetOp): string {
  switch (o.op) {
    case "createBridge":
      return `ip link add name ${o.name} type bridge`;
    case "createVeth":
      return `ip link add name ${o.name ?? "(random)"} type veth peer name ${o.peerName}`;
    case "setLink":
      return ["ip", ...linkSetWords(o.name, o, (ns) => ["netns", ns.path || "(own)"])].join(" ");
    case "deleteLink":
      return `ip link del dev ${o.name}`;
    case "setBridgePort":
      return ["ip", ...portWords(o.name, o)].join(" ");
    case "setPortVlans":
      return `bridge vlan add dev ${o.name}`;
    case "addAddr":
      return `ip addr add ${o.cidr} dev ${o.dev}`;
    case "delAddr":
      return `ip addr del ${o.cidr} dev ${o.dev}`;
    case "addRoute":
    case "replaceRoute":
    case "delRoute":
      return ["ip", ...routeWords(o.op === "addRoute" ? "add" : o.op === "replaceRoute" ? "replace" : "del", o)].join(" ");
    case "getLink":
      return `ip link show dev ${o.name}`;
    case "listLinks":
      return `ip link show${o.master !== undefined ? ` master ${o.master}` : ""}${o.kind !== undefined ? ` type ${o.kind}` : ""}`;
    case "listAddrs":
      return `ip addr show${o.dev !== undefined ? ` dev ${o.dev}` : ""}`;
    case "listRoutes":
      return "ip route show table all";
    case "listPortVlans":
      return `bridge vlan show dev ${o.name}`;
  }
}

