import { formatIP, fromBytes, parseCIDR, parseIP, toBytes } from "@tscni/types/ip";
import { attr, attrString, decodeAttrs, ifaddrmsg, ifinfomsg, NLM_F, RTM, rtmsg, type Attr } from "./codec.js";
import { NetlinkError, type Rtnl } from "./socket.js";

// What `ip link|addr|route` send for the commands the plugins' hot paths use, as calls.

const IFLA = { ADDRESS: 1, IFNAME: 3, MTU: 4, MASTER: 10, LINKINFO: 18, IFALIAS: 20, NET_NS_FD: 28 } as const;
const IFLA_INFO = { KIND: 1, DATA: 2, SLAVE_KIND: 4, SLAVE_DATA: 5 } as const;
const IFLA_BRPORT = { MODE: 4, ISOLATED: 33 } as const;
const VETH_INFO_PEER = 1;
const IFF_UP = 1;
const IFA = { ADDRESS: 1, LOCAL: 2 } as const;
const IFA_F_NODAD = 0x02;
const RTA = { DST: 1, OIF: 4, GATEWAY: 5, PRIORITY: 6, TABLE: 15 } as const;
const RT_TABLE_MAIN = 254;
const RTPROT_BOOT = 3;
const RT_SCOPE = { UNIVERSE: 0, LINK: 253, HOST: 254 } as const;
const RTN_UNICAST = 1;
const family = (v: 4 | 6) => (v === 4 ? 2 : 10);

export interface NlLink {
  index: number;
  ifname: string;
  /** IFF_* bits. */
  flags: number;
  mtu: number;
  /** MAC as "aa:bb:...", lower case. */
  address?: string;
}

const macBytes = (mac: string) => Buffer.from(mac.split(":").map((h) => parseInt(h, 16)));
const macText = (b: Buffer) => [...b].map((x) => x.toString(16).padStart(2, "0")).join(":");

/** The link called `name`, or undefined when there is none. */
export function nlGetLink(s: Rtnl, name: string): NlLink | undefined {
  try {
    const [m] = s.request(`ip link show dev ${name}`, RTM.GETLINK, 0, ifinfomsg(), [attr.str(IFLA.IFNAME, name)]);
    if (!m) return undefined;
    const a = decodeAttrs(m.body, 16);
    const mac = a.get(IFLA.ADDRESS);
    return {
      index: m.body.readInt32LE(4),
      flags: m.body.readUInt32LE(8),
      ifname: attrString(a.get(IFLA.IFNAME)) ?? name,
      mtu: a.get(IFLA.MTU)?.readUInt32LE(0) ?? 0,
      ...(mac ? { address: macText(mac) } : {}),
    };
  } catch (e) {
    if (e instanceof NetlinkError && e.code === "ENODEV") return undefined;
    throw e;
  }
}

export function nlSetUp(s: Rtnl, index: number, name: string, up = true): void {
  s.request(`ip link set dev ${name} ${up ? "up" : "down"}`, RTM.NEWLINK, 0, ifinfomsg({ index, flags: up ? IFF_UP : 0, change: IFF_UP }));
}

/** `ip addr show dev INDEX`: the link's addresses as CIDRs, in the kernel's order. */
export function nlListAddrs(s: Rtnl, index: number, name: string): Array<{ family: 4 | 6; cidr: string }> {
  const out: Array<{ family: 4 | 6; cidr: string }> = [];
  for (const m of s.request(`ip addr show dev ${name}`, RTM.GETADDR, NLM_F.DUMP, ifaddrmsg({ family: 0, prefixlen: 0, flags: 0, scope: 0, index: 0 }))) {
    if (m.type !== RTM.NEWADDR || m.body.readUInt32LE(4) !== index) continue;
    const a = decodeAttrs(m.body, 8);
    const ip = fromBytes(new Uint8Array(a.get(IFA.LOCAL) ?? a.get(IFA.ADDRESS) ?? []));
    if (ip) out.push({ family: ip.family, cidr: `${formatIP(ip)}/${m.body.readUInt8(1)}` });
  }
  return out;
}

export function nlSetAlias(s: Rtnl, index: number, name: string, alias: string): void {
  // No NUL: the kernel counts the attribute's whole length against IFALIASZ, as ip sends it.
  s.request(`ip link set dev ${name} alias ${alias}`, RTM.NEWLINK, 0, ifinfomsg({ index }), [attr.bytes(IFLA.IFALIAS, Buffer.from(alias, "utf8"))]);
}

/** `ip link set dev NAME type bridge_slave [hairpin on|off] [isolated on|off]`. */
export function nlSetBridgePort(s: Rtnl, index: number, name: string, flags: { hairpin?: boolean; isolated?: boolean }): void {
  const data: Attr[] = [];
  const u8 = (type: number, on: boolean) => attr.bytes(type, Uint8Array.of(on ? 1 : 0));
  if (flags.hairpin !== undefined) data.push(u8(IFLA_BRPORT.MODE, flags.hairpin));
  if (flags.isolated !== undefined) data.push(u8(IFLA_BRPORT.ISOLATED, flags.isolated));
  if (data.length === 0) return;
  const linkinfo = attr.nested(IFLA.LINKINFO, [attr.str(IFLA_INFO.SLAVE_KIND, "bridge"), attr.nested(IFLA_INFO.SLAVE_DATA, data)]);
  s.request(`ip link set dev ${name} type bridge_slave`, RTM.NEWLINK, 0, ifinfomsg({ index }), [linkinfo]);
}

export function nlDeleteLink(s: Rtnl, name: string): void {
  s.request(`ip link del dev ${name}`, RTM.DELLINK, 0, ifinfomsg(), [attr.str(IFLA.IFNAME, name)]);
}

export interface NlVeth {
  name: string;
  peerName: string;
  /** fd of the netns the peer is created in. */
  peerNetnsFd: number;
  peerMac: string;
  mtu?: number | undefined;
  /** ifindex of the bridge the near end joins. */
  master: number;
}

/** `ip link add NAME type veth peer name PEER address MAC netns FD`, joined to `master`, up. */
export function nlCreateVeth(s: Rtnl, v: NlVeth): void {
  const mtu = v.mtu ? [attr.u32(IFLA.MTU, v.mtu)] : [];
  const peer: Attr[] = [attr.str(IFLA.IFNAME, v.peerName), ...mtu, attr.bytes(IFLA.ADDRESS, macBytes(v.peerMac)), attr.u32(IFLA.NET_NS_FD, v.peerNetnsFd)];
  const linkinfo = attr.nested(IFLA.LINKINFO, [
    attr.str(IFLA_INFO.KIND, "veth"),
    attr.nested(IFLA_INFO.DATA, [attr.nested(VETH_INFO_PEER, peer, ifinfomsg())]),
  ]);
  s.request(`ip link add ${v.name} type veth peer name ${v.peerName}`, RTM.NEWLINK, NLM_F.CREATE | NLM_F.EXCL, ifinfomsg({ flags: IFF_UP, change: IFF_UP }), [
    attr.str(IFLA.IFNAME, v.name),
    ...mtu,
    attr.u32(IFLA.MASTER, v.master),
    linkinfo,
  ]);
}

/** `ip addr add CIDR dev INDEX [nodad]`. */
export function nlAddAddr(s: Rtnl, index: number, cidr: string, nodad: boolean): void {
  const c = parseCIDR(cidr);
  if (!c) throw new NetlinkError(22, `ip addr add ${cidr}`);
  const bytes = toBytes(c.ip);
  const loopback = c.ip.family === 4 && bytes[0] === 127;
  const header = ifaddrmsg({ family: family(c.ip.family), prefixlen: c.prefix, flags: nodad ? IFA_F_NODAD : 0, scope: loopback ? RT_SCOPE.HOST : 0, index });
  s.request(`ip addr add ${cidr}`, RTM.NEWADDR, NLM_F.CREATE | NLM_F.EXCL, header, [attr.bytes(IFA.LOCAL, bytes), attr.bytes(IFA.ADDRESS, bytes)]);
}

export interface NlRoute {
  dst: string;
  via?: string | undefined;
  metric?: number | undefined;
  table?: number | undefined;
  scope?: number | undefined;
}

/** `ip route add DST [via GW] dev INDEX [metric M] [table T] [scope S]`, with ip's defaults. */
export function nlAddRoute(s: Rtnl, index: number, r: NlRoute, what: string): void {
  const dst = parseCIDR(r.dst);
  const gw = r.via === undefined ? undefined : parseIP(r.via);
  if (!dst || (r.via !== undefined && !gw)) throw new NetlinkError(22, what);
  const table = r.table ?? RT_TABLE_MAIN;
  // ip: IPv4 routes without a gateway are link scope, all others universe.
  const scope = r.scope ?? (dst.ip.family === 4 && !gw ? RT_SCOPE.LINK : RT_SCOPE.UNIVERSE);
  const attrs: Attr[] = [];
  if (dst.prefix > 0) attrs.push(attr.bytes(RTA.DST, toBytes(dst.ip)));
  if (gw) attrs.push(attr.bytes(RTA.GATEWAY, toBytes(gw)));
  attrs.push(attr.u32(RTA.OIF, index));
  if (r.metric !== undefined) attrs.push(attr.u32(RTA.PRIORITY, r.metric));
  if (table >= 256) attrs.push(attr.u32(RTA.TABLE, table));
  const header = rtmsg({ family: family(dst.ip.family), dstLen: dst.prefix, table: table < 256 ? table : 0, protocol: RTPROT_BOOT, scope, type: RTN_UNICAST });
  s.request(what, RTM.NEWROUTE, NLM_F.CREATE | NLM_F.EXCL, header, attrs);
}
