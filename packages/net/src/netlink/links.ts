import { closeSync, openSync } from "node:fs";
import { describeError } from "@tscni/types";
import type { Link } from "../model.js";
import { NetnsError, type Netns } from "../netns.js";
import type { BridgePortFlags, BridgeSpec, LinkChanges, VethSpec } from "../ops.js";
import { attr, attrString, decodeAttrs, ifinfomsg, NLM_F, RTM, type Attr } from "./codec.js";
import { NetlinkError, type Rtnl } from "./socket.js";

// Link requests as `ip link` sends them, and links read back into the shared model.

const IFLA = { ADDRESS: 1, IFNAME: 3, MTU: 4, LINK: 5, MASTER: 10, OPERSTATE: 16, LINKINFO: 18, IFALIAS: 20, NET_NS_FD: 28, LINK_NETNSID: 37 } as const;
const INFO = { KIND: 1, DATA: 2, SLAVE_KIND: 4, SLAVE_DATA: 5 } as const;
const IFLA_BR_VLAN_FILTERING = 7;
const BRPORT = { MODE: 4, LEARNING: 8, ISOLATED: 33 } as const;
const VETH_INFO_PEER = 1;
const IFF_UP = 0x1;
const IFF_PROMISC = 0x100;
const ENODEV = 19;
const OPERSTATES = ["UNKNOWN", "NOTPRESENT", "DOWN", "LOWERLAYERDOWN", "TESTING", "DORMANT", "UP"];

const macBytes = (mac: string) => Buffer.from(mac.split(":").map((h) => parseInt(h, 16)));
const macText = (b: Buffer) => [...b].map((x) => x.toString(16).padStart(2, "0")).join(":");

/** A link as decoded, its master still an ifindex. */
export interface RawLink extends Omit<Link, "master"> {
  masterIndex?: number | undefined;
}

export function decodeLink(body: Buffer): RawLink {
  const a = decodeAttrs(body, 16);
  const flags = body.readUInt32LE(8);
  const index = body.readInt32LE(4);
  const l: RawLink = {
    index,
    name: attrString(a.get(IFLA.IFNAME)) ?? "",
    mtu: a.get(IFLA.MTU)?.readUInt32LE(0) ?? 0,
    up: (flags & IFF_UP) !== 0,
    promisc: (flags & IFF_PROMISC) !== 0,
    operstate: OPERSTATES[a.get(IFLA.OPERSTATE)?.readUInt8(0) ?? 0] ?? "UNKNOWN",
  };
  const mac = a.get(IFLA.ADDRESS);
  if (mac && mac.length > 0) l.mac = macText(mac);
  const master = a.get(IFLA.MASTER)?.readUInt32LE(0);
  if (master) l.masterIndex = master;
  const alias = attrString(a.get(IFLA.IFALIAS));
  if (alias) l.alias = alias;
  const peer = a.get(IFLA.LINK)?.readUInt32LE(0);
  if (peer && peer !== index) l.peerIndex = peer;
  const nsid = a.get(IFLA.LINK_NETNSID);
  if (nsid) l.peerNetnsId = nsid.readInt32LE(0);
  const info = a.get(IFLA.LINKINFO);
  if (info) {
    const i = decodeAttrs(info);
    const kind = attrString(i.get(INFO.KIND));
    if (kind) l.kind = kind;
    if (kind === "bridge") l.vlanFiltering = (decodeAttrs(i.get(INFO.DATA) ?? Buffer.alloc(0)).get(IFLA_BR_VLAN_FILTERING)?.readUInt8(0) ?? 0) === 1;
    if (attrString(i.get(INFO.SLAVE_KIND)) === "bridge") {
      const d = decodeAttrs(i.get(INFO.SLAVE_DATA) ?? Buffer.alloc(0));
      const on = (t: number) => (d.get(t)?.readUInt8(0) ?? 0) === 1;
      l.port = { hairpin: on(BRPORT.MODE), isolated: on(BRPORT.ISOLATED), learning: on(BRPORT.LEARNING) };
    }
  }
  return l;
}

/*
 * Names resolved on a socket, so a plan that names one link in several ops asks the kernel
 * once. Ops that rename, move or delete a link forget them all; a socket lives for one plan.
 */
const known = new WeakMap<Rtnl, Map<string, number>>();

function learn(s: Rtnl, l: RawLink): RawLink {
  let m = known.get(s);
  if (!m) known.set(s, (m = new Map()));
  m.set(l.name, l.index);
  return l;
}

const forgetNames = (s: Rtnl) => known.get(s)?.clear();

/** The link named `name`; NetlinkError ENODEV when there is none. */
export function rawLink(s: Rtnl, name: string, what: string): RawLink {
  const [m] = s.request(what, RTM.GETLINK, 0, ifinfomsg(), [attr.str(IFLA.IFNAME, name)]);
  if (!m) throw new NetlinkError(ENODEV, what);
  return learn(s, decodeLink(m.body));
}

function nameOf(s: Rtnl, index: number, what: string): string | undefined {
  try {
    const [m] = s.request(what, RTM.GETLINK, 0, ifinfomsg({ index }));
    return m ? decodeLink(m.body).name : undefined;
  } catch (e) {
    if (e instanceof NetlinkError && e.errno === ENODEV) return undefined;
    throw e;
  }
}

function named(l: RawLink, master: string | undefined): Link {
  const { masterIndex: _, ...rest } = l;
  return master === undefined ? rest : { ...rest, master };
}

export function getLink(s: Rtnl, name: string, what: string): Link {
  const l = rawLink(s, name, what);
  return named(l, l.masterIndex === undefined ? undefined : nameOf(s, l.masterIndex, what));
}

export function listLinks(s: Rtnl, what: string): Link[] {
  const raw = s.request(what, RTM.GETLINK, NLM_F.DUMP, ifinfomsg()).filter((m) => m.type === RTM.NEWLINK).map((m) => learn(s, decodeLink(m.body)));
  const names = new Map(raw.map((l) => [l.index, l.name]));
  return raw.map((l) => named(l, l.masterIndex === undefined ? undefined : names.get(l.masterIndex)));
}

/** ifindex of `name`, for requests that take an index. */
export const indexOf = (s: Rtnl, name: string, what: string): number => known.get(s)?.get(name) ?? rawLink(s, name, what).index;

/** An fd of the netns at `path` ("" = this process's) for IFLA_NET_NS_FD. */
function openNetnsFd(ns: Netns): number {
  const path = ns.path || "/proc/self/ns/net";
  try {
    return openSync(path, "r");
  } catch (e) {
    throw new NetnsError(path, (e as NodeJS.ErrnoException).code === "ENOENT" ? "missing" : "not-netns", describeError(e));
  }
}

function withNetnsFd<T>(ns: Netns, fn: (fd: number) => T): T {
  const fd = openNetnsFd(ns);
  try {
    return fn(fd);
  } finally {
    closeSync(fd);
  }
}

/** ifi_flags and ifi_change for the requested up/promisc state. */
function flagBits(up: boolean | undefined, promisc: boolean | undefined): { flags: number; change: number } {
  let flags = 0;
  let change = 0;
  if (up !== undefined) (change |= IFF_UP), (flags |= up ? IFF_UP : 0);
  if (promisc !== undefined) (change |= IFF_PROMISC), (flags |= promisc ? IFF_PROMISC : 0);
  return { flags, change };
}

export function createBridge(s: Rtnl, o: BridgeSpec, what: string): void {
  const attrs: Attr[] = [attr.str(IFLA.IFNAME, o.name)];
  if (o.mac !== undefined) attrs.push(attr.bytes(IFLA.ADDRESS, macBytes(o.mac)));
  if (o.mtu !== undefined) attrs.push(attr.u32(IFLA.MTU, o.mtu));
  attrs.push(attr.nested(IFLA.LINKINFO, [attr.str(INFO.KIND, "bridge"), ...(o.vlanFiltering ? [attr.nested(INFO.DATA, [attr.u8(IFLA_BR_VLAN_FILTERING, 1)])] : [])]));
  s.request(what, RTM.NEWLINK, NLM_F.CREATE | NLM_F.EXCL, ifinfomsg(flagBits(o.up || undefined, o.promisc || undefined)), attrs);
}

/** The pair, near end on its master and up as asked; `sameNetns`: the peer stays here. */
export function createVeth(s: Rtnl, ns: Netns, o: VethSpec & { name: string }, what: string): void {
  const master = o.master === undefined ? undefined : indexOf(s, o.master, what);
  const mtu = o.mtu !== undefined ? [attr.u32(IFLA.MTU, o.mtu)] : [];
  const send = (peerFd: number | undefined) => {
    const peer: Attr[] = [attr.str(IFLA.IFNAME, o.peerName), ...mtu];
    if (o.peerMac !== undefined) peer.push(attr.bytes(IFLA.ADDRESS, macBytes(o.peerMac)));
    if (peerFd !== undefined) peer.push(attr.u32(IFLA.NET_NS_FD, peerFd));
    const attrs: Attr[] = [attr.str(IFLA.IFNAME, o.name), ...mtu];
    if (o.mac !== undefined) attrs.push(attr.bytes(IFLA.ADDRESS, macBytes(o.mac)));
    if (master !== undefined) attrs.push(attr.u32(IFLA.MASTER, master));
    attrs.push(attr.nested(IFLA.LINKINFO, [attr.str(INFO.KIND, "veth"), attr.nested(INFO.DATA, [attr.nested(VETH_INFO_PEER, peer, ifinfomsg())])]));
    s.request(what, RTM.NEWLINK, NLM_F.CREATE | NLM_F.EXCL, ifinfomsg(flagBits(o.up || undefined, undefined)), attrs);
  };
  if (o.peerNetns.path === ns.path) send(undefined);
  else withNetnsFd(o.peerNetns, send);
}

export function setLink(s: Rtnl, ns: Netns, name: string, c: LinkChanges, what: string): void {
  const attrs: Attr[] = [];
  if (c.rename !== undefined) attrs.push(attr.str(IFLA.IFNAME, c.rename));
  if (c.mtu !== undefined) attrs.push(attr.u32(IFLA.MTU, c.mtu));
  if (c.mac !== undefined) attrs.push(attr.bytes(IFLA.ADDRESS, macBytes(c.mac)));
  if (c.master === null) attrs.push(attr.u32(IFLA.MASTER, 0));
  else if (c.master !== undefined) attrs.push(attr.u32(IFLA.MASTER, indexOf(s, c.master, what)));
  // No NUL: the kernel counts the attribute's whole length against IFALIASZ, as ip sends it.
  if (c.alias !== undefined) attrs.push(attr.bytes(IFLA.IFALIAS, Buffer.from(c.alias, "utf8")));
  if (c.vlanFiltering !== undefined) {
    attrs.push(attr.nested(IFLA.LINKINFO, [attr.str(INFO.KIND, "bridge"), attr.nested(INFO.DATA, [attr.u8(IFLA_BR_VLAN_FILTERING, c.vlanFiltering ? 1 : 0)])]));
  }
  if (attrs.length === 0 && c.up === undefined && c.promisc === undefined && c.netns === undefined) return;
  // With index 0 the kernel finds the link by IFLA_IFNAME, which saves a lookup; a rename needs the index.
  const index = c.rename === undefined ? (known.get(s)?.get(name) ?? 0) : indexOf(s, name, what);
  if (index === 0) attrs.unshift(attr.str(IFLA.IFNAME, name));
  const header = ifinfomsg({ index, ...flagBits(c.up, c.promisc) });
  if (c.rename !== undefined || c.netns !== undefined) forgetNames(s);
  if (c.netns === undefined || c.netns.path === ns.path) s.request(what, RTM.NEWLINK, 0, header, attrs);
  else withNetnsFd(c.netns, (fd) => s.request(what, RTM.NEWLINK, 0, header, [...attrs, attr.u32(IFLA.NET_NS_FD, fd)]));
}

export function deleteLink(s: Rtnl, name: string, what: string): void {
  forgetNames(s);
  s.request(what, RTM.DELLINK, 0, ifinfomsg(), [attr.str(IFLA.IFNAME, name)]);
}

export function setBridgePort(s: Rtnl, name: string, f: BridgePortFlags, what: string): void {
  const data: Attr[] = [];
  if (f.hairpin !== undefined) data.push(attr.u8(BRPORT.MODE, f.hairpin ? 1 : 0));
  if (f.learning !== undefined) data.push(attr.u8(BRPORT.LEARNING, f.learning ? 1 : 0));
  if (f.isolated !== undefined) data.push(attr.u8(BRPORT.ISOLATED, f.isolated ? 1 : 0));
  const index = indexOf(s, name, what);
  if (data.length === 0) return;
  const linkinfo = attr.nested(IFLA.LINKINFO, [attr.str(INFO.SLAVE_KIND, "bridge"), attr.nested(INFO.SLAVE_DATA, data)]);
  s.request(what, RTM.NEWLINK, 0, ifinfomsg({ index }), [linkinfo]);
}
