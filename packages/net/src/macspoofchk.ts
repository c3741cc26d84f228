import { CniError, ErrorCode } from "@tscni/types";
import { checkIfName } from "@tscni/types/names";
import { isFailure } from "./errors.js";
import { runIn, type Netns } from "./netns.js";
import { checkMac } from "./ops.js";

/*
 * Go's macspoofchk (pkg/link/spoofcheck.go) rule layout, so either implementation removes the
 * other's rules: table `bridge nat`, base chain PREROUTING, two chains per attachment. One
 * nft exec to set up, two to remove (there is no in-process nftables here).
 */

const T = "bridge nat";
const ifaceChain = (id: string) => `cni-br-iface-${id}`;
const comment = (id: string) => `macspoofchk-${id}`;

/** Go's uniqueID: "<containerID>-<ifname>"; words nft reads as one. */
function checkId(id: string): string {
  if (!/^[A-Za-z0-9_.-]+$/.test(id)) throw new CniError(ErrorCode.InvalidConfig, `invalid macspoofchk id ${JSON.stringify(id)}`, "letters, digits, _ . - only: it names nft chains");
  return id;
}

async function nft(ns: Netns, lines: string[]): Promise<void> {
  await runIn(ns, ["nft", "-f", "-"], { input: lines.join("\n") + "\n" });
}

export interface MacSpoofCheck {
  /** The bridge port frames arrive on (the host end of the veth). */
  port: string;
  /** The only source MAC allowed from it. */
  mac: string;
  /** Which attachment: Go's "<containerID>-<ifname>". */
  id: string;
}

/** Frames entering from `port` must carry `mac` as source, else they are dropped. */
export async function setupMacSpoofCheck(ns: Netns, m: MacSpoofCheck): Promise<void> {
  const ic = ifaceChain(checkId(m.id));
  const c = `comment "${comment(m.id)}"`;
  await nft(ns, [
    `add table ${T}`,
    `add chain ${T} PREROUTING { type filter hook prerouting priority -300; policy accept; }`,
    `add chain ${T} ${ic}`,
    `add chain ${T} ${ic}-mac`,
    `flush chain ${T} ${ic}`,
    `flush chain ${T} ${ic}-mac`,
    `add rule ${T} PREROUTING iifname "${checkIfName(m.port)}" jump ${ic} ${c}`,
    `add rule ${T} ${ic} jump ${ic}-mac ${c}`,
    `add rule ${T} ${ic}-mac ether saddr ${checkMac(m.mac)} return ${c}`,
    `add rule ${T} ${ic}-mac drop ${c}`,
  ]);
}

/** Remove the attachment's jump and chains; missing ones are fine. */
export async function teardownMacSpoofCheck(ns: Netns, id: string): Promise<void> {
  let handles: number[] = [];
  try {
    const out = (await runIn(ns, ["nft", "-j", "list", "chain", "bridge", "nat", "PREROUTING"])).stdout;
    const items = (JSON.parse(out) as { nftables: Array<{ rule?: { handle: number; comment?: string } }> }).nftables;
    handles = items.flatMap((i) => (i.rule && i.rule.comment === comment(id) ? [i.rule.handle] : []));
  } catch (e) {
    if (!isFailure(e, "not-found")) throw e;
    return; // no table: nothing of ours
  }
  const ic = ifaceChain(checkId(id));
  await nft(ns, [
    ...handles.map((h) => `delete rule ${T} PREROUTING handle ${h}`),
    // add first: deleting a chain that is not there would fail the whole transaction
    `add chain ${T} ${ic}`,
    `add chain ${T} ${ic}-mac`,
    `flush chain ${T} ${ic}`,
    `flush chain ${T} ${ic}-mac`,
    `delete chain ${T} ${ic}`,
    `delete chain ${T} ${ic}-mac`,
  ]);
}
