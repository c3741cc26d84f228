import { ip, ipJson } from "./ipcmd.js";
import { isExecFailure } from "./exec.js";
import { checkIfName, checkInt, checkMac } from "./names.js";
import { netnsTarget, type Netns } from "./netns.js";

/** One link as `ip -json -details link show` reports it (the fields we use). */
export interface Link {
  ifindex: number;
  ifname: string;
  flags: string[];
  mtu: number;
  operstate: string;
  address?: string;
  master?: string;
  promiscuity?: number;
  link_netnsid?: number;
  linkinfo?: {
    info_kind?: string;
    info_data?: Record<string, unknown>;
    info_slave_kind?: string;
    info_slave_data?: Record<string, unknown>;
  };
}

/** Changes `ip link set` applies in one command. */
export interface LinkChanges {
  up?: boolean;
  mtu?: number;
  mac?: string;
  /** Attach to this bridge; null detaches. */
  master?: string | null;
  promisc?: boolean;
  /** Move into another namespace (path or name). */
  netns?: Netns;
  /** Rename (the link should be down). */
  rename?: string;
}

export function linkSetArgs(name: string, c: LinkChanges): string[] {
  const a = ["link", "set", "dev", checkIfName(name)];
  if (c.rename !== undefined) a.push("name", checkIfName(c.rename));
  if (c.mtu !== undefined) a.push("mtu", checkInt(c.mtu, 68, 65535, "mtu"));
  if (c.mac !== undefined) a.push("address", checkMac(c.mac));
  if (c.master === null) a.push("nomaster");
  else if (c.master !== undefined) a.push("master", checkIfName(c.master, "bridge name"));
  if (c.promisc !== undefined) a.push("promisc", c.promisc ? "on" : "off");
  if (c.netns !== undefined) a.push("netns", netnsTarget(c.netns));
  if (c.up !== undefined) a.push(c.up ? "up" : "down");
  return a;
}

export const linkDelArgs = (name: string): string[] => ["link", "del", "dev", checkIfName(name)];

/** The link named `name` in ns, or undefined when there is none. */
export async function getLink(ns: Netns, name: string): Promise<Link | undefined> {
  const links = await ipJson<Link>(ns, ["-details", "link", "show", "dev", checkIfName(name)], true);
  return links[0];
}

export interface LinkFilter {
  /** Only ports of this bridge. */
  master?: string;
  /** Only links of this kind ("veth", "bridge", ...). */
  kind?: string;
}

export async function listLinks(ns: Netns, f: LinkFilter = {}): Promise<Link[]> {
  const args = ["-details", "link", "show"];
  if (f.master !== undefined) args.push("master", checkIfName(f.master));
  if (f.kind !== undefined) args.push("type", f.kind);
  return ipJson<Link>(ns, args, f.master !== undefined);
}

export async function setLink(ns: Netns, name: string, c: LinkChanges): Promise<void> {
  await ip(ns, linkSetArgs(name, c));
}

/** Delete a link; resolves false when it was already gone (DEL is idempotent). */
export async function deleteLink(ns: Netns, name: string): Promise<boolean> {
  try {
    await ip(ns, linkDelArgs(name));
    return true;
  } catch (e) {
    if (isExecFailure(e, "not-found")) return false;
    throw e;
  }
}
