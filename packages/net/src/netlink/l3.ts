import { formatIP, fromBytes, parseCIDR, parseIP, toBytes } from "@tscni/types/ip";
import { routeTypeName, scopeName, scopeNumber, type Addr, type PortVlan, type RouteEntry } from "../model.js";
import { trunkRanges, type AddrSpec, type CheckedRoute, type PortVlans } from "../ops.js";
import { attr, decodeAttrs, ifaddrmsg, ifinfomsg, NLM_F, RTM, rtmsg, type Attr } from "./codec.js";
import type { Rtnl } from "./socket.js";

// Address, route and bridge VLAN requests as `ip addr`, `ip route` and `bridge vlan` send them.

const IFA = { ADDRESS: 1, LOCAL: 2, FLAGS: 8 } as const;
const IFA_F = { NODAD: 0x02, DADFAILED: 0x08, TENTATIVE: 0x40 } as const;
const RTA = { DST: 1, OIF: 4, GATEWAY: 5, PRIORITY: 6, PREFSRC: 7, METRICS: 8, TABLE: 15 } as const;
const RTAX_MTU = 2;
const RTPROT_BOOT = 3;
const RT_SCOPE_NOWHERE = 255;
const RTN_UNICAST = 1;
const RTNH_F_ONLINK = 4;
const AF_BRIDGE = 7;
const IFLA_AF_SPEC = 26;
const IFLA_EXT_MASK = 29;
const RTEXT_FILTER_BRVLAN_COMPRESSED = 4;
const BRIDGE = { FLAGS: 0, VLAN_INFO: 2 } as const;
const BRIDGE_FLAGS_MASTER = 1;
const VLAN_F = { PVID: 0x2, UNTAGGED: 0x4, RANGE_BEGIN: 0x8, RANGE_END: 0x10 } as const;

const af = (v: 4 | 6) => (v === 4 ? 2 : 10);
const familyOf = (n: number): 4 | 6 => (n === 10 ? 6 : 4);

export function addAddr(s: Rtnl, index: number, o: AddrSpec, what: string): void {
  const c = parseCIDR(o.cidr)!;
  const bytes = toBytes(c.ip);
  // ip's default: IPv4 loopback addresses are host scope, every other address global.
  const scope = o.scope !== undefined ? scopeNumber(o.scope) : c.ip.family === 4 && bytes[0] === 127 ? scopeNumber("host") : 0;
  const flags = o.nodad && c.ip.family === 6 ? IFA_F.NODAD : 0;
  const header = ifaddrmsg({ family: af(c.ip.family), prefixlen: c.prefix, flags, scope, index });
  s.request(what, RTM.NEWADDR, NLM_F.CREATE | NLM_F.EXCL, header, [attr.bytes(IFA.LOCAL, bytes), attr.bytes(IFA.ADDRESS, bytes)]);
}

export function delAddr(s: Rtnl, index: number, cidr: string, what: string): void {
  const c = parseCIDR(cidr)!;
  const bytes = toBytes(c.ip);
  s.request(what, RTM.DELADDR, 0, ifaddrmsg({ family: af(c.ip.family), prefixlen: c.prefix, flags: 0, scope: 0, index }), [attr.bytes(IFA.LOCAL, bytes), attr.bytes(IFA.ADDRESS, bytes)]);
}

/** Every address, with its link's name from `names` (ifindex -> name). */
export function listAddrs(s: Rtnl, names: ReadonlyMap<number, string>, what: string): Addr[] {
  const out: Addr[] = [];
  for (const m of s.request(what, RTM.GETADDR, NLM_F.DUMP, ifaddrmsg({ family: 0, prefixlen: 0, flags: 0, scope: 0, index: 0 }))) {
    if (m.type !== RTM.NEWADDR) continue;
    const a = decodeAttrs(m.body, 8);
    const ip = fromBytes(new Uint8Array(a.get(IFA.LOCAL) ?? a.get(IFA.ADDRESS) ?? []));
    if (!ip) continue;
    const flags = a.get(IFA.FLAGS)?.readUInt32LE(0) ?? m.body.readUInt8(2);
    out.push({
      ifname: names.get(m.body.readUInt32LE(4)) ?? "",
      family: familyOf(m.body.readUInt8(0)),
      cidr: `${formatIP(ip)}/${m.body.readUInt8(1)}`,
      scope: scopeName(m.body.readUInt8(3)),
      tentative: (flags & IFA_F.TENTATIVE) !== 0,
      dadfailed: (flags & IFA_F.DADFAILED) !== 0,
      nodad: (flags & IFA_F.NODAD) !== 0,
    });
  }
  return out;
}

/** add / replace / del of one route; `oif` is the ifindex of r.dev. */
export function changeRoute(s: Rtnl, verb: "add" | "replace" | "del", r: CheckedRoute, oif: number | undefined, what: string): void {
  const dst = parseCIDR(r.dst)!;
  const gw = r.via === undefined ? undefined : parseIP(r.via)!;
  const del = verb === "del";
  // ip: a deletion matches any scope and protocol; an IPv4 route without a gateway is link scope.
  const scope = r.scope !== undefined ? scopeNumber(r.scope) : del ? RT_SCOPE_NOWHERE : r.family === 4 && !gw ? scopeNumber("link") : 0;
  const attrs: Attr[] = [];
  if (dst.prefix > 0) attrs.push(attr.bytes(RTA.DST, toBytes(dst.ip)));
  if (gw) attrs.push(attr.bytes(RTA.GATEWAY, toBytes(gw)));
  if (oif !== undefined) attrs.push(attr.u32(RTA.OIF, oif));
  if (r.src !== undefined) attrs.push(attr.bytes(RTA.PREFSRC, toBytes(parseIP(r.src)!)));
  if (r.metric !== undefined) attrs.push(attr.u32(RTA.PRIORITY, r.metric));
  if (r.table >= 256) attrs.push(attr.u32(RTA.TABLE, r.table));
  if (r.mtu !== undefined) attrs.push(attr.nested(RTA.METRICS, [attr.u32(RTAX_MTU, r.mtu)]));
  const header = rtmsg({ family: af(r.family), dstLen: dst.prefix, table: r.table < 256 ? r.table : 0, protocol: del ? 0 : RTPROT_BOOT, scope, type: del ? 0 : RTN_UNICAST });
  if (r.onlink) header.writeUInt32LE(RTNH_F_ONLINK, 8);
  const flags = verb === "add" ? NLM_F.CREATE | NLM_F.EXCL : verb === "replace" ? NLM_F.CREATE | NLM_F.REPLACE : 0;
  s.request(what, verb === "del" ? RTM.DELROUTE : RTM.NEWROUTE, flags, header, attrs);
}

/** Every route of every table. */
export function listRoutes(s: Rtnl, names: ReadonlyMap<number, string>, what: string): RouteEntry[] {
  const out: RouteEntry[] = [];
  for (const m of s.request(what, RTM.GETROUTE, NLM_F.DUMP, rtmsg({ family: 0, dstLen: 0, table: 0, protocol: 0, scope: 0, type: 0 }))) {
    if (m.type !== RTM.NEWROUTE) continue;
    const b = m.body;
    const family = familyOf(b.readUInt8(0));
    const a = decodeAttrs(b, 12);
    const ip = (t: number) => {
      const v = a.get(t);
      const x = v ? fromBytes(new Uint8Array(v)) : undefined;
      return x && formatIP(x);
    };
    const dst = ip(RTA.DST) ?? (family === 4 ? "0.0.0.0" : "::");
    const r: RouteEntry = {
      family,
      dst: `${dst}/${b.readUInt8(1)}`,
      table: a.get(RTA.TABLE)?.readUInt32LE(0) ?? b.readUInt8(4),
      scope: scopeName(b.readUInt8(6)),
      type: routeTypeName(b.readUInt8(7)),
      protocol: b.readUInt8(5),
      onlink: (b.readUInt32LE(8) & RTNH_F_ONLINK) !== 0,
    };
    const via = ip(RTA.GATEWAY);
    if (via !== undefined) r.via = via;
    const oif = a.get(RTA.OIF)?.readUInt32LE(0);
    if (oif !== undefined) r.dev = names.get(oif) ?? `if${oif}`;
    const src = ip(RTA.PREFSRC);
    if (src !== undefined) r.src = src;
    const metric = a.get(RTA.PRIORITY)?.readUInt32LE(0);
    if (metric !== undefined) r.metric = metric;
    const mtu = decodeAttrs(a.get(RTA.METRICS) ?? Buffer.alloc(0)).get(RTAX_MTU)?.readUInt32LE(0);
    if (mtu !== undefined) r.mtu = mtu;
    out.push(r);
  }
  return out;
}

function vlanRequest(s: Rtnl, index: number, del: boolean, flags: number, from: number, to: number, what: string): void {
  const info = (f: number, vid: number) => {
    const b = Buffer.alloc(4);
    b.writeUInt16LE(f, 0);
    b.writeUInt16LE(vid, 2);
    return attr.bytes(BRIDGE.VLAN_INFO, b);
  };
  const infos = from === to ? [info(flags, from)] : [info(flags | VLAN_F.RANGE_BEGIN, from), info(flags | VLAN_F.RANGE_END, to)];
  const spec = attr.nested(IFLA_AF_SPEC, [attr.u16(BRIDGE.FLAGS, BRIDGE_FLAGS_MASTER), ...infos]);
  s.request(what, del ? RTM.DELLINK : RTM.SETLINK, 0, ifinfomsg({ family: AF_BRIDGE, index }), [spec]);
}

/** The same steps as the `bridge vlan` lines: default VLAN dropped, access VLAN, trunk ranges. */
export function setPortVlans(s: Rtnl, index: number, v: PortVlans, what: string): void {
  if (v.removeDefault) vlanRequest(s, index, true, 0, 1, 1, what);
  if (v.pvid !== undefined) vlanRequest(s, index, false, VLAN_F.PVID | VLAN_F.UNTAGGED, v.pvid, v.pvid, what);
  for (const [a, b] of trunkRanges(v.trunk)) vlanRequest(s, index, false, 0, a, b, what);
}

export function listPortVlans(s: Rtnl, index: number, what: string): PortVlan[] {
  const out: PortVlan[] = [];
  const replies = s.request(what, RTM.GETLINK, NLM_F.DUMP, ifinfomsg({ family: AF_BRIDGE }), [attr.u32(IFLA_EXT_MASK, RTEXT_FILTER_BRVLAN_COMPRESSED)]);
  for (const m of replies) {
    if (m.type !== RTM.NEWLINK || m.body.readInt32LE(4) !== index) continue;
    const spec = decodeAllAttrs(decodeAttrs(m.body, 16).get(IFLA_AF_SPEC) ?? Buffer.alloc(0));
    let start: number | undefined;
    for (const [type, data] of spec) {
      if (type !== BRIDGE.VLAN_INFO) continue;
      const flags = data.readUInt16LE(0);
      const vid = data.readUInt16LE(2);
      if (flags & VLAN_F.RANGE_BEGIN) {
        start = vid;
        continue;
      }
      const v: PortVlan = { vid: start ?? vid, pvid: (flags & VLAN_F.PVID) !== 0, untagged: (flags & VLAN_F.UNTAGGED) !== 0 };
      if (start !== undefined) v.vidEnd = vid;
      start = undefined;
      out.push(v);
    }
  }
  return out;
}

/** Attributes in order, repeats kept (a VLAN list repeats its type). */
function decodeAllAttrs(buf: Buffer): Array<[number, Buffer]> {
  const out: Array<[number, Buffer]> = [];
  for (let at = 0; at + 4 <= buf.length; ) {
    const len = buf.readUInt16LE(at);
    if (len < 4 || at + len > buf.length) break;
    out.push([buf.readUInt16LE(at + 2) & 0x3fff, buf.subarray(at + 4, at + len)]);
    at += (len + 3) & ~3;
  }
  return out;
}

