import { runIn, type Netns } from "../netns.js";
import { isFailure } from "../errors.js";
import {
  GO_NFT_CHAIN, GO_NFT_TABLE, NET_TABLE_PREFIX, checkContainerId, checkNetworkName, hostOfCidr, netComment,
  netTableName, networkOfCidr, nftInstanceComment, nftInstanceHash, nftNetworkHash, parseCidrOrThrow, parseNetComment,
} from "./names.js";
import type { ContainerMasq, MasqAttachment, NetworkMasq } from "./types.js";

interface NftRule {
  family: string;
  table: string;
  chain: string;
  handle: number;
  comment?: string;
}

async function nftScript(ns: Netns, lines: string[]): Promise<void> {
  if (lines.length) await runIn(ns, ["nft", "-f", "-"], { input: lines.join("\n") + "\n" });
}

/** Rules of one chain (or of the whole ruleset); [] when the table/chain does not exist. */
async function nftRules(ns: Netns, what: string[]): Promise<NftRule[]> {
  try {
    const out = (await runIn(ns, ["nft", "-j", "list", ...what])).stdout;
    const items = (JSON.parse(out) as { nftables: Array<{ rule?: NftRule }> }).nftables;
    return items.flatMap((i) => (i.rule ? [i.rule] : []));
  } catch (e) {
    if (isFailure(e, "not-found")) return [];
    throw e;
  }
}

const T = `inet ${GO_NFT_TABLE}`;
const goRules = (ns: Netns) => nftRules(ns, ["chain", "inet", GO_NFT_TABLE, GO_NFT_CHAIN]);

/**
 * Go-compatible per-attachment masquerade (table inet cni_plugins_masquerade): one rule per
 * IP, commented with a hash of (network, ifname, containerId) so DEL/GC find exactly ours.
 * Re-running replaces the attachment's rules (idempotent). Two execs: list + transaction.
 */
export async function nftEnsureContainerMasq(ns: Netns, m: ContainerMasq): Promise<void> {
  checkNetworkName(m.network);
  checkContainerId(m.containerId);
  const prefix = nftInstanceHash(m.network, m.ifname, m.containerId);
  const comment = nftInstanceComment(m.network, m.ifname, m.containerId);
  const stale = (await goRules(ns)).filter((r) => r.comment?.startsWith(prefix));
  const lines = [
    `add table ${T}`,
    `add chain ${T} ${GO_NFT_CHAIN}`,
    `add chain ${T} postrouting { type nat hook postrouting priority srcnat; }`,
    `flush chain ${T} postrouting`,
    `add rule ${T} postrouting ip daddr 224.0.0.0/4 return`,
    `add rule ${T} postrouting ip6 daddr ff00::/8 return`,
    `add rule ${T} postrouting goto ${GO_NFT_CHAIN}`,
    ...stale.map((r) => `delete rule ${T} ${GO_NFT_CHAIN} handle ${r.handle}`),
  ];
  for (const ip of m.ips) {
    const c = parseCidrOrThrow(ip);
    const fam = c.ip.family === 4 ? "ip" : "ip6";
    lines.push(`add rule ${T} ${GO_NFT_CHAIN} ${fam} saddr ${hostOfCidr(c)} ${fam} daddr != ${networkOfCidr(c)} masquerade comment "${comment}"`);
  }
  await nftScript(ns, lines);
}

/** Remove one attachment's rules (any IPs); no-op when there are none. */
export async function nftDeleteContainerMasq(ns: Netns, m: Omit<ContainerMasq, "ips">): Promise<void> {
  const prefix = nftInstanceHash(m.network, m.ifname, m.containerId);
  const rules = (await goRules(ns)).filter((r) => r.comment?.startsWith(prefix));
  await nftScript(ns, rules.map((r) => `delete rule ${T} ${GO_NFT_CHAIN} handle ${r.handle}`));
}

/** Parse "HASH-HASH, net: N, if: I, id: C" (ids may be cut at 128 chars). */
function parseInstanceComment(c: string): MasqAttachment | undefined {
  const m = /^[0-9a-f]{16}-[0-9a-f]{16}, net: .*, if: (.*), id: (.*)$/.exec(c);
  return m ? { ifname: m[1]!, containerId: m[2]! } : undefined;
}

/** Attachments of `network` that have masquerade rules here (only rules carrying our hash). */
export async function nftListContainerMasq(ns: Netns, network: string): Promise<MasqAttachment[]> {
  const netHash = nftNetworkHash(network);
  const out: MasqAttachment[] = [];
  for (const r of await goRules(ns)) {
    if (!r.comment?.startsWith(netHash + "-")) continue;
    const a = parseInstanceComment(r.comment);
    if (a && !out.some((o) => o.containerId === a.containerId && o.ifname === a.ifname)) out.push(a);
  }
  return out;
}

/** Delete rules of `network` whose attachment is not in `valid`; returns what was removed. */
export async function nftGcContainerMasq(ns: Netns, network: string, valid: ReadonlyArray<{ containerID: string; ifname: string }>): Promise<MasqAttachment[]> {
  const keep = new Set(valid.map((v) => nftInstanceComment(network, v.ifname, v.containerID)));
  const netHash = nftNetworkHash(network) + "-";
  const doomed = (await goRules(ns)).filter((r) => r.comment?.startsWith(netHash) && !keep.has(r.comment));
  await nftScript(ns, doomed.map((r) => `delete rule ${T} ${GO_NFT_CHAIN} handle ${r.handle}`));
  const removed: MasqAttachment[] = [];
  for (const r of doomed) {
    const a = parseInstanceComment(r.comment!);
    if (a && !removed.some((o) => o.containerId === a.containerId && o.ifname === a.ifname)) removed.push(a);
  }
  return removed;
}

/**
 * Per-network masquerade: table inet tscni_masq_<hash> replaced atomically in one
 * transaction, so repeating it converges to exactly `subnets`. One exec.
 */
export async function nftEnsureNetworkMasq(ns: Netns, n: NetworkMasq): Promise<void> {
  const tag = netComment(checkNetworkName(n.network));
  const t = `inet ${netTableName(n.network)}`;
  const lines = [
    `add table ${t}`,
    `delete table ${t}`,
    `add table ${t}`,
    `add chain ${t} postrouting { type nat hook postrouting priority srcnat; policy accept; }`,
    `add rule ${t} postrouting ip daddr 224.0.0.0/4 return comment "${tag}"`,
    `add rule ${t} postrouting ip6 daddr ff00::/8 return comment "${tag}"`,
  ];
  for (const s of n.subnets) {
    const c = parseCidrOrThrow(s);
    const fam = c.ip.family === 4 ? "ip" : "ip6";
    const net = networkOfCidr(c);
    lines.push(`add rule ${t} postrouting ${fam} saddr ${net} ${fam} daddr != ${net} masquerade comment "${tag}"`);
  }
  await nftScript(ns, lines);
}

/** Drop the network's table; no-op when absent (add+delete in one transaction). */
export async function nftDeleteNetworkMasq(ns: Netns, network: string): Promise<void> {
  const t = `inet ${netTableName(network)}`;
  await nftScript(ns, [`add table ${t}`, `delete table ${t}`]);
}

/** Networks that have a per-network table here (read from our rule tags). */
export async function nftListNetworkMasq(ns: Netns): Promise<string[]> {
  const names = new Set<string>();
  for (const r of await nftRules(ns, ["ruleset", "inet"])) {
    if (!r.table.startsWith(NET_TABLE_PREFIX) || !r.comment) continue;
    const n = parseNetComment(r.comment);
    if (n !== undefined && netTableName(n) === r.table) names.add(n);
  }
  return [...names];
}
