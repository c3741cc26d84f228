import { CURRENT_NETNS, isExecFailure, runIn } from "@tscni/net";

// The Go plugin's layout (pkg/link/spoofcheck.go), so either implementation can tear down
// the other's rules: table bridge nat, base chain PREROUTING, per-attachment chains.
const T = "bridge nat";
const ifaceChain = (id: string) => `cni-br-iface-${id}`;
const comment = (id: string) => `macspoofchk-${id}`;

async function nft(lines: string[]): Promise<void> {
  await runIn(CURRENT_NETNS, ["nft", "-f", "-"], { input: lines.join("\n") + "\n" });
}

/** Frames entering from `hostIf` must carry `mac` as source, else they are dropped. One exec. */
export async function setupSpoofCheck(hostIf: string, mac: string, id: string): Promise<void> {
  const ic = ifaceChain(id);
  const c = `comment "${comment(id)}"`;
  await nft([
    `add table ${T}`,
    `add chain ${T} PREROUTING { type filter hook prerouting priority -300; policy accept; }`,
    `add chain ${T} ${ic}`,
    `add chain ${T} ${ic}-mac`,
    `flush chain ${T} ${ic}`,
    `flush chain ${T} ${ic}-mac`,
    `add rule ${T} PREROUTING iifname "${hostIf}" jump ${ic} ${c}`,
    `add rule ${T} ${ic} jump ${ic}-mac ${c}`,
    `add rule ${T} ${ic}-mac ether saddr ${mac} return ${c}`,
    `add rule ${T} ${ic}-mac drop ${c}`,
  ]);
}

/** Remove the attachment's jump and chains; missing ones are fine. Two execs. */
export async function teardownSpoofCheck(id: string): Promise<void> {
  let handles: number[] = [];
  try {
    const out = (await runIn(CURRENT_NETNS, ["nft", "-j", "list", "chain", "bridge", "nat", "PREROUTING"])).stdout;
    const items = (JSON.parse(out) as { nftables: Array<{ rule?: { handle: number; comment?: string } }> }).nftables;
    handles = items.flatMap((i) => (i.rule && i.rule.comment === comment(id) ? [i.rule.handle] : []));
  } catch (e) {
    if (!isExecFailure(e, "not-found")) throw e;
    return; // no table: nothing of ours
  }
  const ic = ifaceChain(id);
  await nft([
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
