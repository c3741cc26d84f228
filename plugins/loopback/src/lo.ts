import { CniError, ErrorCode } from "@tscni/types";
import { runIn, type Netns } from "@tscni/net";

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

export interface LoState {
  up: boolean;
  v4?: string;
  v6?: string;
}

/** Brings lo up (or down) and reads it back, in one `ip -batch` exec. */
export async function setLo(ns: Netns, up: boolean): Promise<LoState> {
  const { stdout } = await runIn(ns, ["ip", "-json", "-batch", "-"], { input: `link set dev lo ${up ? "up" : "down"}\naddr show dev lo\n` });
  return readState(stdout);
}

export async function readLo(ns: Netns): Promise<LoState> {
  const { stdout } = await runIn(ns, ["ip", "-json", "addr", "show", "dev", "lo"]);
  return readState(stdout);
}

function readState(stdout: string): LoState {
  const links = JSON.parse(stdout.trim() || "[]") as LinkInfo[];
  const lo = links.find((l) => l.ifname === "lo");
  if (!lo) throw new CniError(ErrorCode.Internal, "no lo interface in the container netns");
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
