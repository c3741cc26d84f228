import { formatIP, parseCIDR, parseIP } from "@tscni/types/ip";
import { scopeName, routeTypeName, type Addr, type Link, type PortVlan, type RouteEntry } from "../model.js";

// `ip -json -N -details` (and `bridge -json`) output, read into the shared model.

interface IpAddrInfo {
  family: "inet" | "inet6";
  local: string;
  prefixlen: number;
  scope?: string;
  tentative?: boolean;
  dadfailed?: boolean;
  nodad?: boolean;
}

/** One entry of `ip -json -details addr show`: the link and its addresses. */
export interface IpLinkJson {
  ifindex: number;
  ifname: string;
  flags?: string[];
  mtu: number;
  operstate?: string;
  address?: string;
  master?: string;
  ifalias?: string;
  /** The peer's name when it is in the same netns. */
  link?: string;
  link_index?: number;
  link_netnsid?: number;
  linkinfo?: {
    info_kind?: string;
    info_data?: Record<string, unknown>;
    info_slave_kind?: string;
    info_slave_data?: Record<string, unknown>;
  };
  addr_info?: IpAddrInfo[];
}

/** `peerIndexes` resolves a same-netns peer, which ip names instead of numbering. */
export function linkOf(j: IpLinkJson, peerIndexes?: ReadonlyMap<string, number>): Link {
  const flags = j.flags ?? [];
  const info = j.linkinfo;
  const l: Link = {
    index: j.ifindex,
    name: j.ifname,
    kind: info?.info_kind,
    mtu: j.mtu,
    mac: j.address?.toLowerCase(),
    up: flags.includes("UP"),
    promisc: flags.includes("PROMISC"),
    operstate: j.operstate ?? "UNKNOWN",
  };
  if (j.master !== undefined) l.master = j.master;
  if (j.ifalias !== undefined && j.ifalias !== "") l.alias = j.ifalias;
  const peer = j.link_index ?? (j.link !== undefined ? peerIndexes?.get(j.link) : undefined);
  if (peer !== undefined) l.peerIndex = peer;
  if (j.link_netnsid !== undefined) l.peerNetnsId = j.link_netnsid;
  if (info?.info_kind === "bridge") l.vlanFiltering = info.info_data?.["vlan_filtering"] === 1;
  if (info?.info_slave_kind === "bridge") {
    const d = info.info_slave_data ?? {};
    l.port = { hairpin: d["hairpin"] === true, isolated: d["isolated"] === true, learning: d["learning"] === true };
  }
  return l;
}

export function linksOf(rows: IpLinkJson[]): Link[] {
  const byName = new Map(rows.map((r) => [r.ifname, r.ifindex]));
  return rows.map((r) => linkOf(r, byName));
}

export function addrsOf(rows: IpLinkJson[]): Addr[] {
  return rows.flatMap((r) =>
    (r.addr_info ?? []).map((a): Addr => ({
      ifname: r.ifname,
      family: a.family === "inet6" ? 6 : 4,
      cidr: `${formatIP(parseIP(a.local) ?? { family: a.family === "inet6" ? 6 : 4, value: 0n })}/${a.prefixlen}`,
      scope: scopeName(Number(a.scope ?? 0)),
      tentative: a.tentative === true,
      dadfailed: a.dadfailed === true,
      nodad: a.nodad === true,
    })),
  );
}

interface IpRouteJson {
  type?: string;
  dst: string;
  gateway?: string;
  dev?: string;
  table?: string;
  protocol?: string;
  scope?: string;
  prefsrc?: string;
  metric?: number;
  flags?: string[];
  metrics?: Array<{ mtu?: number }>;
}

/** `ip -N` prints numbers as strings; "default" and host routes without a prefix become CIDRs. */
export function routeOf(j: IpRouteJson): RouteEntry {
  const v6 = j.dst.includes(":") || (j.gateway?.includes(":") ?? false);
  const family = v6 ? 6 : 4;
  let dst: string;
  if (j.dst === "default") dst = v6 ? "::/0" : "0.0.0.0/0";
  else {
    const c = parseCIDR(j.dst.includes("/") ? j.dst : `${j.dst}/${v6 ? 128 : 32}`);
    dst = c ? `${formatIP(c.ip)}/${c.prefix}` : j.dst;
  }
  const r: RouteEntry = {
    family, dst,
    table: Number(j.table ?? 254),
    scope: scopeName(Number(j.scope ?? 0)),
    type: routeTypeName(Number(j.type ?? 1)),
    protocol: Number(j.protocol ?? 0),
    onlink: (j.flags ?? []).includes("onlink"),
  };
  if (j.gateway !== undefined) r.via = formatIP(parseIP(j.gateway)!);
  if (j.dev !== undefined) r.dev = j.dev;
  if (j.prefsrc !== undefined) r.src = j.prefsrc;
  if (j.metric !== undefined) r.metric = j.metric;
  const mtu = j.metrics?.find((m) => m.mtu !== undefined)?.mtu;
  if (mtu !== undefined) r.mtu = mtu;
  return r;
}

interface BridgeVlanJson {
  ifname: string;
  vlans?: Array<{ vlan: number; vlanEnd?: number; flags?: string[] }>;
}

export function portVlansOf(rows: BridgeVlanJson[], port: string): PortVlan[] {
  return (rows.find((r) => r.ifname === port)?.vlans ?? []).map((v) => ({
    vid: v.vlan,
    ...(v.vlanEnd !== undefined ? { vidEnd: v.vlanEnd } : {}),
    pvid: (v.flags ?? []).includes("PVID"),
    untagged: (v.flags ?? []).includes("Egress Untagged"),
  }));
}
