import { CURRENT_NETNS, deleteNetworkMasq, ensureNetworkMasq, type MasqBackendName } from "@tscni/net";
import { readNetwork, type BridgeRecord, type NetworkRecord } from "./records.js";

/*
 * Shared resources are held by instances (records.ts): a gateway address stays while any
 * instance on its device holds it, a network's masquerade covers the union of its
 * instances' subnets. These two rules, for setup and release alike.
 */

/** Gateways on `dev` held by instances other than (`name`, `key`), of every network claiming the bridge. */
export function gatewaysHeldByOthers(dir: string, bridge: BridgeRecord, dev: string, name: string, key: string): string[] {
  const out = new Set<string>();
  for (const net of new Set([...bridge.claims, name])) {
    for (const [k, inst] of Object.entries(readNetwork(dir, net)?.instances ?? {})) {
      if ((net !== name || k !== key) && inst.gatewayDev === dev) for (const g of inst.gateways) out.add(g);
    }
  }
  return [...out];
}

/** The network's masquerade per backend: the union of its instances' subnets. */
function masqUnion(rec: NetworkRecord | undefined): Map<MasqBackendName, string[]> {
  const out = new Map<MasqBackendName, string[]>();
  for (const inst of Object.values(rec?.instances ?? {})) {
    if (!inst.masq) continue;
    const have = out.get(inst.masq.backend) ?? [];
    out.set(inst.masq.backend, [...new Set([...have, ...inst.masq.subnets])]);
  }
  return out;
}

const sameSet = (a: readonly string[], b: readonly string[]) => a.length === b.length && a.every((x) => b.includes(x));

/**
 * Bring the network's per-network masquerade rule sets from what `before` needed to what
 * `after` needs: one nft (or iptables) transaction per backend that changed; `force`
 * re-applies unchanged ones too (INIT repairs drift).
 */
export async function applyNetworkMasq(name: string, before: NetworkRecord | undefined, after: NetworkRecord, force: boolean): Promise<void> {
  const was = masqUnion(before);
  const now = masqUnion(after);
  for (const backend of new Set([...was.keys(), ...now.keys()])) {
    const subnets = now.get(backend) ?? [];
    if (!force && sameSet(was.get(backend) ?? [], subnets)) continue;
    if (subnets.length > 0) await ensureNetworkMasq(CURRENT_NETNS, { network: name, subnets }, backend);
    else await deleteNetworkMasq(CURRENT_NETNS, name, backend);
  }
}

/** Does any instance of the network masquerade (then DEL has no per-container rules to clean)? */
export const hasNetworkMasq = (rec: NetworkRecord | undefined): boolean => Object.values(rec?.instances ?? {}).some((i) => i.masq !== undefined);
