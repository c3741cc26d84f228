import { runIn, type Netns } from "../netns.js";
import {
  NET_CHAIN_PREFIX, checkContainerId, checkNetworkName, goChainName, goComment, hostOfCidr, netChainName, netComment,
  networkOfCidr, parseCidrOrThrow, parseNetComment,
} from "./names.js";
import type { ContainerMasq, MasqAttachment, NetworkMasq } from "./types.js";

type Fam = 4 | 6;
const FAMS: Fam[] = [4, 6];
const MCAST = { 4: "224.0.0.0/4", 6: "ff00::/8" } as const;
const HOST_LEN = { 4: 32, 6: 128 } as const;

/** One `-A CHAIN ...` line of iptables-save, tokenised (quotes removed). */
interface SavedRule {
  line: string;
  chain: string;
  args: string[];
}

interface NatState {
  chains: Set<string>;
  rules: SavedRule[];
}

/** Split an iptables-save line: blanks separate, "..." quotes with \" escapes. */
export function splitSaveLine(line: string): string[] {
  const out: string[] = [];
  let cur = "";
  let inQ = false;
  let has = false;
  for (let i = 0; i < line.length; i++) {
    const ch = line[i]!;
    if (inQ) {
      if (ch === "\\" && i + 1 < line.length) cur += line[++i];
      else if (ch === '"') inQ = false;
      else cur += ch;
    } else if (ch === '"') {
      inQ = true;
      has = true;
    } else if (ch === " " || ch === "\t") {
      if (has || cur) out.push(cur);
      cur = "";
      has = false;
    } else cur += ch;
  }
  if (has || cur) out.push(cur);
  return out;
}

const quote = (s: string) => `"${s.replaceAll("\\", "\\\\").replaceAll('"', '\\"')}"`;
const opt = (args: string[], flag: string) => {
  const i = args.indexOf(flag);
  return i >= 0 ? args[i + 1] : undefined;
};
const commentOf = (r: SavedRule) => opt(r.args, "--comment");
const targetOf = (r: SavedRule) => opt(r.args, "-j");

const save = (f: Fam) => (f === 4 ? "iptables-save" : "ip6tables-save");
const restore = (f: Fam) => (f === 4 ? "iptables-restore" : "ip6tables-restore");

async function natState(ns: Netns, f: Fam): Promise<NatState> {
  const out = (await runIn(ns, [save(f), "-t", "nat"])).stdout;
  const st: NatState = { chains: new Set(), rules: [] };
  for (const line of out.split("\n")) {
    if (line.startsWith(":")) st.chains.add(line.slice(1).split(" ")[0]!);
    else if (line.startsWith("-A ")) {
      const t = splitSaveLine(line);
      st.rules.push({ line, chain: t[1]!, args: t.slice(2) });
    }
  }
  return st;
}

/** Apply nat-table changes in one iptables-restore exec (--noflush: others' rules stay). */
async function natApply(ns: Netns, f: Fam, lines: string[]): Promise<void> {
  if (lines.length === 0) return;
  await runIn(ns, [restore(f), "-w", "--noflush"], { input: ["*nat", ...lines, "COMMIT", ""].join("\n") });
}

/** Lines removing `chains`: every jump to them (from anywhere), then flush + delete. */
function dropChains(st: NatState, chains: Set<string>): string[] {
  const lines: string[] = [];
  for (const r of st.rules) {
    const t = targetOf(r);
    if (t && chains.has(t) && !chains.has(r.chain)) lines.push("-D" + r.line.slice(2));
  }
  for (const c of chains) if (st.chains.has(c)) lines.push(`:${c} - [0:0]`, `-X ${c}`);
  return lines;
}

function byFamily(cidrs: string[]) {
  const m: Record<Fam, ReturnType<typeof parseCidrOrThrow>[]> = { 4: [], 6: [] };
  for (const s of cidrs) {
    const c = parseCidrOrThrow(s);
    m[c.ip.family].push(c);
  }
  return m;
}

/**
 * Go-compatible per-container rules: chain CNI-<hash(network+id)> in nat with ACCEPT for
 * the container's subnet and MASQUERADE for the rest (not multicast), jumped to from
 * POSTROUTING for the container's IP, all commented `name: "N" id: "ID"`. Idempotent:
 * the chain is rewritten, the jump added only when missing. Two execs per family.
 */
export async function iptEnsureContainerMasq(ns: Netns, m: ContainerMasq): Promise<void> {
  checkNetworkName(m.network);
  checkContainerId(m.containerId);
  const chain = goChainName(m.network, m.containerId);
  const c = quote(goComment(m.network, m.containerId));
  const fams = byFamily(m.ips);
  for (const f of FAMS) {
    if (fams[f].length === 0) continue;
    const st = await natState(ns, f);
    const lines = [`:${chain} - [0:0]`];
    for (const ip of fams[f]) lines.push(`-A ${chain} -d ${networkOfCidr(ip)} -m comment --comment ${c} -j ACCEPT`);
    lines.push(`-A ${chain} ! -d ${MCAST[f]} -m comment --comment ${c} -j MASQUERADE`);
    for (const ip of fams[f]) {
      const src = `${hostOfCidr(ip)}/${HOST_LEN[f]}`;
      const have = st.rules.some((r) => r.chain === "POSTROUTING" && targetOf(r) === chain && opt(r.args, "-s") === src);
      if (!have) lines.push(`-A POSTROUTING -s ${src} -m comment --comment ${c} -j ${chain}`);
    }
    await natApply(ns, f, lines);
  }
}

/** Remove the container's chain and every jump to it, in both families. No-op when absent. */
export async function iptDeleteContainerMasq(ns: Netns, m: { network: string; containerId: string }): Promise<void> {
  const chain = goChainName(m.network, m.containerId);
  for (const f of FAMS) {
    const st = await natState(ns, f);
    await natApply(ns, f, dropChains(st, new Set([chain])));
  }
}

/** Container ids of `network` found in POSTROUTING jumps whose chain name matches the hash. */
function containerIds(st: NatState, network: string): string[] {
  const ids = new Set<string>();
  for (const r of st.rules) {
    if (r.chain !== "POSTROUTING") continue;
    const m = /^name: "(.*)" id: "(.*)"$/.exec(commentOf(r) ?? "");
    if (!m || m[1] !== network) continue;
    if (targetOf(r) === goChainName(network, m[2]!)) ids.add(m[2]!);
  }
  return [...ids];
}

/** Attachments of `network` with rules here (the Go iptables format has no ifname). */
export async function iptListContainerMasq(ns: Netns, network: string): Promise<MasqAttachment[]> {
  const ids = new Set<string>();
  for (const f of FAMS) for (const id of containerIds(await natState(ns, f), network)) ids.add(id);
  return [...ids].map((containerId) => ({ containerId }));
}

/** Delete rules of containers of `network` not in `valid`; returns the ids removed. */
export async function iptGcContainerMasq(ns: Netns, network: string, valid: ReadonlyArray<{ containerID: string }>): Promise<MasqAttachment[]> {
  const keep = new Set(valid.map((v) => v.containerID));
  const removed = new Set<string>();
  for (const f of FAMS) {
    const st = await natState(ns, f);
    const doomed = containerIds(st, network).filter((id) => !keep.has(id));
    doomed.forEach((id) => removed.add(id));
    await natApply(ns, f, dropChains(st, new Set(doomed.map((id) => goChainName(network, id)))));
  }
  return [...removed].map((containerId) => ({ containerId }));
}

/**
 * Per-network rules: chain TSCNI-N-<hash(network)> (RETURN for multicast and the
 * network's own subnets, then MASQUERADE) with one POSTROUTING jump per subnet. Converges:
 * jumps for subnets no longer listed are removed, a family without subnets is cleared.
 */
export async function iptEnsureNetworkMasq(ns: Netns, n: NetworkMasq): Promise<void> {
  const chain = netChainName(checkNetworkName(n.network));
  const c = quote(netComment(n.network));
  const fams = byFamily(n.subnets);
  for (const f of FAMS) {
    const st = await natState(ns, f);
    if (fams[f].length === 0) {
      await natApply(ns, f, dropChains(st, new Set([chain])));
      continue;
    }
    const nets = fams[f].map(networkOfCidr);
    const lines = [`:${chain} - [0:0]`, `-A ${chain} -d ${MCAST[f]} -m comment --comment ${c} -j RETURN`];
    for (const s of nets) lines.push(`-A ${chain} -d ${s} -m comment --comment ${c} -j RETURN`);
    lines.push(`-A ${chain} -m comment --comment ${c} -j MASQUERADE`);
    const jumps = st.rules.filter((r) => r.chain === "POSTROUTING" && targetOf(r) === chain);
    for (const r of jumps) if (!nets.includes(opt(r.args, "-s") ?? "")) lines.push("-D" + r.line.slice(2));
    for (const s of nets) {
      if (!jumps.some((r) => opt(r.args, "-s") === s)) lines.push(`-A POSTROUTING -s ${s} -m comment --comment ${c} -j ${chain}`);
    }
    await natApply(ns, f, lines);
  }
}

export async function iptDeleteNetworkMasq(ns: Netns, network: string): Promise<void> {
  const chain = netChainName(network);
  for (const f of FAMS) await natApply(ns, f, dropChains(await natState(ns, f), new Set([chain])));
}

/** Networks with a per-network chain, read from the tags on their POSTROUTING jumps. */
export async function iptListNetworkMasq(ns: Netns): Promise<string[]> {
  const names = new Set<string>();
  for (const f of FAMS) {
    for (const r of (await natState(ns, f)).rules) {
      const t = targetOf(r);
      if (r.chain !== "POSTROUTING" || !t?.startsWith(NET_CHAIN_PREFIX)) continue;
      const n = parseNetComment(commentOf(r) ?? "");
      if (n !== undefined && netChainName(n) === t) names.add(n);
    }
  }
  return [...names];
}
