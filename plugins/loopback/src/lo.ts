import { CniError, ErrorCode } from "@tscni/types";
import { nlGetLink, nlListAddrs, nlSetUp, Rtnl, runIn, type Netns } from "@tscni/net";

interface AddrInfo {
  family: "inet" | "inet6";
  local: string;
  prefixlen: number;
}
interface LinkInfo {
  ifname: string;
  flags: string[];
  addr_info?: AddrInfo[];
}

const IFF_UP = 1;

export interface LoState {
  up: boolean;
  v4?: string;
  v6?: string;
}

/**
 * Brings lo up (or down, or leaves it: `up` undefined) and reads it back: netlink requests
 * from a socket opened in `ns` (standalone build), else one `ip -batch` exec.
 */
export async function setLo(ns: Netns, up?: boolean): Promise<LoState> {
  const s = await Rtnl.open(ns.path);
  if (s) {
    try {
      const lo = nlGetLink(s, "lo");
      if (!lo) throw new CniError(ErrorCode.Internal, "no lo interface in the container netns");
      if (up !== undefined) nlSetUp(s, lo.index, "lo", up);
      const addrs = nlListAddrs(s, lo.index, "lo").map(({ family, cidr }): AddrInfo => {
        const [local, prefix] = cidr.split("/");
        return { family: family === 4 ? "inet" : "inet6", local: local!, prefixlen: Number(prefix) };
      });
      return toState({ ifname: "lo", flags: (up ?? (lo.flags & IFF_UP) !== 0) ? ["UP"] : [], addr_info: addrs });
    } finally {
      s.close();
    }
  }
  const input = `${up === undefined ? "" : `link set dev lo ${up ? "up" : "down"}\n`}addr show dev lo\n`;
  const { stdout } = await runIn(ns, ["ip", "-json", "-batch", "-"], { input });
  const lo = (JSON.parse(stdout.trim() || "[]") as LinkInfo[]).find((l) => l.ifname === "lo");
  if (!lo) throw new CniError(ErrorCode.Internal, "no lo interface in the container netns");
  return toState(lo);
}

export const readLo = (ns: Netns): Promise<LoState> => setLo(ns);

function toState(lo: LinkInfo): LoState {
  const addrs = lo.addr_info ?? [];
  for (const a of addrs) {
    // Same sanity check as the Go plugin: lo must only carry loopback addresses.
    const loopback = a.family === "inet" ? a.local.startsWith("127.") : a.local === "::1";
    if (!loopback) throw new CniError(ErrorCode.Internal, `loopback interface found with non-loopback address "${a.local}"`);
  }
  const first = (fam: string) => addrs.find((a) => a.family === fam);
  const v4 = first("inet");
  const v6 = first("inet6");
  return {
    up: lo.flags.includes("UP"),
    ...(v4 ? { v4: `${v4.local}/${v4.prefixlen}` } : {}),
    ...(v6 ? { v6: `${v6.local}/${v6.prefixlen}` } : {}),
  };
}
