/*
 * What the host operations read back, in one shape whichever backend ran them (in-process
 * rtnetlink or iproute2's JSON): each backend translates into these, never the reverse.
 */

/** One network interface. */
export interface Link {
  index: number;
  name: string;
  /** "veth", "bridge", ...; undefined for a link without a kind (lo, physical NICs). */
  kind?: string | undefined;
  mtu: number;
  /** Lower case "aa:bb:cc:dd:ee:ff"; undefined for links without one. */
  mac?: string | undefined;
  /** Administratively up (IFF_UP). */
  up: boolean;
  /** Promiscuous mode requested (IFF_PROMISC). */
  promisc: boolean;
  /** The kernel's operstate: "UP", "DOWN", "LOWERLAYERDOWN", "UNKNOWN", ... */
  operstate: string;
  /** The bridge (or other master) this link is enslaved to. */
  master?: string | undefined;
  alias?: string | undefined;
  /** A veth's other end: its ifindex, and the netns id when it lives in another netns. */
  peerIndex?: number | undefined;
  peerNetnsId?: number | undefined;
  /** Bridges only. */
  vlanFiltering?: boolean | undefined;
  /** Bridge ports only: the port's flags. */
  port?: BridgePortState | undefined;
}

export interface BridgePortState {
  hairpin: boolean;
  isolated: boolean;
  learning: boolean;
}

/** Scopes by the names `ip` uses (an unnamed one as its number). */
export type ScopeName = "global" | "site" | "link" | "host" | "nowhere" | (string & {});

const SCOPES: Record<number, ScopeName> = { 0: "global", 200: "site", 253: "link", 254: "host", 255: "nowhere" };
export const scopeName = (n: number): ScopeName => SCOPES[n] ?? String(n);
export function scopeNumber(s: "global" | "site" | "link" | "host" | number): number {
  return typeof s === "number" ? s : { global: 0, site: 200, link: 253, host: 254 }[s];
}

/** One address of an interface. */
export interface Addr {
  ifname: string;
  family: 4 | 6;
  /** "10.1.0.2/24", "fd00::2/64" */
  cidr: string;
  scope: ScopeName;
  /** IPv6 duplicate address detection still running. */
  tentative: boolean;
  dadfailed: boolean;
  nodad: boolean;
}

export const TABLE = { default: 253, main: 254, local: 255 } as const;
export type TableRef = number | keyof typeof TABLE;
export const tableNumber = (t: TableRef): number => (typeof t === "number" ? t : TABLE[t]);

/** A route to add, replace or delete: `dst` is a CIDR or "default". */
export interface Route {
  dst: string;
  via?: string | undefined;
  dev?: string | undefined;
  /** A name, or the number (0-255) as a CNI 1.1 result gives it. */
  scope?: "global" | "link" | "host" | number | undefined;
  /** Default: main. */
  table?: TableRef | undefined;
  mtu?: number | undefined;
  src?: string | undefined;
  metric?: number | undefined;
  onlink?: boolean | undefined;
  /** Only for "default" without via or src: which family's default. */
  family?: 4 | 6 | undefined;
}

const ROUTE_TYPES: Record<number, string> = { 1: "unicast", 2: "local", 3: "broadcast", 4: "anycast", 5: "multicast", 6: "blackhole", 7: "unreachable", 8: "prohibit", 9: "throw", 10: "nat" };
export const routeTypeName = (n: number): string => ROUTE_TYPES[n] ?? String(n);

/** A route as the kernel holds it. */
export interface RouteEntry {
  family: 4 | 6;
  /** Always a CIDR: the default route is "0.0.0.0/0" or "::/0", a host route "/32" or "/128". */
  dst: string;
  via?: string | undefined;
  dev?: string | undefined;
  table: number;
  scope: ScopeName;
  /** "unicast", "local", "broadcast", ... */
  type: string;
  protocol: number;
  src?: string | undefined;
  metric?: number | undefined;
  mtu?: number | undefined;
  onlink: boolean;
}

export interface RouteFilter {
  family?: 4 | 6 | undefined;
  /** Default: main; "all" for every table. */
  table?: TableRef | "all" | undefined;
  dev?: string | undefined;
}

export interface LinkFilter {
  /** Only ports of this bridge. */
  master?: string | undefined;
  /** Only links of this kind ("veth", "bridge", ...). */
  kind?: string | undefined;
}

export interface AddrFilter {
  dev?: string | undefined;
  family?: 4 | 6 | undefined;
}

/** A VLAN (or a range of them) on a bridge port. */
export interface PortVlan {
  vid: number;
  /** Last id of a compressed range. */
  vidEnd?: number | undefined;
  pvid: boolean;
  untagged: boolean;
}

/** Filters shared by both backends (each reads everything it must, then narrows). */
export function matchRoute(r: RouteEntry, f: RouteFilter): boolean {
  if (f.family !== undefined && r.family !== f.family) return false;
  const t = f.table ?? "main";
  if (t !== "all" && r.table !== tableNumber(t)) return false;
  return f.dev === undefined || r.dev === f.dev;
}

export function matchLink(l: Link, f: LinkFilter): boolean {
  return (f.master === undefined || l.master === f.master) && (f.kind === undefined || l.kind === f.kind);
}
