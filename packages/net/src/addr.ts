import { ip, ipJson } from "./ipcmd.js";
import { isExecFailure } from "./exec.js";
import { checkAddr, checkIfName } from "./names.js";
import type { Netns } from "./netns.js";

export interface AddrOptions {
  /** IPv6: skip duplicate address detection (the address is usable at once). */
  nodad?: boolean;
  scope?: "global" | "link" | "host";
}

/** `ip addr add|replace|del CIDR dev DEV`. */
export function addrArgs(op: "add" | "replace" | "del", dev: string, cidr: string, o: AddrOptions = {}): string[] {
  const a = ["addr", op, checkAddr(cidr, "CIDR"), "dev", checkIfName(dev)];
  if (o.scope) a.push("scope", o.scope);
  if (o.nodad && cidr.includes(":") && op !== "del") a.push("nodad");
  return a;
}

export async function addAddr(ns: Netns, dev: string, cidr: string, o?: AddrOptions): Promise<void> {
  await ip(ns, addrArgs("add", dev, cidr, o));
}

/** Delete an address; false when it (or the device) was not there. */
export async function delAddr(ns: Netns, dev: string, cidr: string): Promise<boolean> {
  try {
    await ip(ns, addrArgs("del", dev, cidr));
    return true;
  } catch (e) {
    if (isExecFailure(e, "not-found") || isExecFailure(e, "invalid")) return false;
    throw e;
  }
}

export interface Addr {
  ifname: string;
  family: "inet" | "inet6";
  local: string;
  prefixlen: number;
  scope: string;
  /** "CIDR" form: local/prefixlen. */
  cidr: string;
  tentative: boolean;
  dadfailed: boolean;
}

interface IpAddrJson {
  ifname: string;
  addr_info?: Array<{ family: "inet" | "inet6"; local: string; prefixlen: number; scope: string; tentative?: boolean; dadfailed?: boolean }>;
}

/** Addresses in ns (of one device when given), from `ip -json addr show`. */
export async function listAddrs(ns: Netns, dev?: string, family?: 4 | 6): Promise<Addr[]> {
  const args = family ? [`-${family}`, "addr", "show"] : ["addr", "show"];
  if (dev !== undefined) args.push("dev", checkIfName(dev));
  const rows = await ipJson<IpAddrJson>(ns, args, dev !== undefined);
  return rows.flatMap((r) =>
    (r.addr_info ?? []).map((a) => ({
      ifname: r.ifname, family: a.family, local: a.local, prefixlen: a.prefixlen, scope: a.scope,
      cidr: `${a.local}/${a.prefixlen}`, tentative: a.tentative === true, dadfailed: a.dadfailed === true,
    })),
  );
}
