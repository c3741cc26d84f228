import { CniError, ErrorCode } from "@tscni/types";
import { apply, type Addr, type Link, type Netns, type NetOp } from "@tscni/net";

export interface LoState {
  up: boolean;
  v4?: string;
  v6?: string;
}

/** Brings lo up (or down, or leaves it: `up` undefined) and reads it back, in one round trip. */
export async function setLo(ns: Netns, up?: boolean): Promise<LoState> {
  const ops: NetOp[] = [{ op: "getLink", name: "lo" }, { op: "listAddrs", dev: "lo" }];
  if (up !== undefined) ops.unshift({ op: "setLink", name: "lo", up });
  const r = await apply(ns, ops);
  const [lo, addrs] = r.slice(-2) as [Link | undefined, Addr[]];
  if (!lo) throw new CniError(ErrorCode.Internal, "no lo interface in the container netns");
  return toState(lo.up, addrs);
}

export const readLo = (ns: Netns): Promise<LoState> => setLo(ns);

function toState(up: boolean, addrs: Addr[]): LoState {
  for (const a of addrs) {
    // Same sanity check as the Go plugin: lo must only carry loopback addresses.
    const ip = a.cidr.slice(0, a.cidr.indexOf("/"));
    const loopback = a.family === 4 ? ip.startsWith("127.") : ip === "::1";
    if (!loopback) throw new CniError(ErrorCode.Internal, `loopback interface found with non-loopback address "${ip}"`);
  }
  const v4 = addrs.find((a) => a.family === 4);
  const v6 = addrs.find((a) => a.family === 6);
  return { up, ...(v4 ? { v4: v4.cidr } : {}), ...(v6 ? { v6: v6.cidr } : {}) };
}
