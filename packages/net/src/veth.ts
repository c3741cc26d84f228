import { CniError, ErrorCode } from "@tscni/types";
import { runBatch } from "./ipcmd.js";
import { ExecError } from "./exec.js";
import { checkIfName, checkInt, checkMac, randomVethName } from "./names.js";
import { getLink } from "./link.js";
import { netnsTarget, type Netns } from "./netns.js";

export interface VethOptions {
  /** Name in `ns`; omitted = random `vethXXXXXXXX`, retried on collision. */
  name?: string;
  /** Name of the other end, in `peerNetns`. */
  peerName: string;
  peerNetns: Netns;
  mtu?: number;
  mac?: string;
  peerMac?: string;
  /** Bring the `ns` end up in the same exec (the peer end lives elsewhere). */
  up?: boolean;
  /** Attach the `ns` end to this bridge in the same exec. */
  master?: string;
}

export function vethAddArgs(name: string, o: VethOptions): string[] {
  const a = ["link", "add", "name", checkIfName(name)];
  const mtu = o.mtu === undefined ? undefined : checkInt(o.mtu, 68, 65535, "mtu");
  if (mtu) a.push("mtu", mtu);
  if (o.mac !== undefined) a.push("address", checkMac(o.mac));
  a.push("type", "veth", "peer", "name", checkIfName(o.peerName));
  if (mtu) a.push("mtu", mtu);
  if (o.peerMac !== undefined) a.push("address", checkMac(o.peerMac));
  if (o.peerNetns.path) a.push("netns", netnsTarget(o.peerNetns));
  return a;
}

function vethCmds(name: string, o: VethOptions): string[][] {
  const cmds = [vethAddArgs(name, o)];
  if (o.up || o.master !== undefined) {
    const set = ["link", "set", "dev", name];
    if (o.master !== undefined) set.push("master", checkIfName(o.master, "bridge name"));
    if (o.up) set.push("up");
    cmds.push(set);
  }
  return cmds;
}

/**
 * Create a veth pair: `name` in `ns`, `peerName` in `peerNetns`. One exec (two with a
 * random-name collision). A taken peer name is an error, as in Go.
 */
export async function createVeth(ns: Netns, o: VethOptions): Promise<{ name: string; peerName: string }> {
  const tries = o.name === undefined ? 8 : 1;
  for (let i = 0; i < tries; i++) {
    const name = o.name ?? randomVethName();
    try {
      await runBatch(ns, "ip", vethCmds(name, o));
      return { name, peerName: o.peerName };
    } catch (e) {
      if (!(e instanceof ExecError) || e.failure !== "exists" || e.argv[2] !== "add") throw e;
      // Which end collided? Only a random host name is worth another try.
      if (o.name === undefined && (await getLink(ns, name))) continue;
      throw new ExecError(e.argv, e.stderr, e.exitCode, "exists", undefined, `a link named ${o.name ?? o.peerName} already exists`);
    }
  }
  throw new CniError(ErrorCode.TryAgainLater, "failed to find a unique veth name");
}
