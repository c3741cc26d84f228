import { CniError, ErrorCode, cidrOverlaps, parseCIDR } from "@tscni/types";
import { apply, CURRENT_NETNS, listAddrs, type NetOp } from "@tscni/net";

export interface GatewayAddrOptions {
  /** Replace conflicting addresses instead of failing (Go's forceAddress). */
  force: boolean;
  /** Addresses other instances sharing the device hold (other networks, older configs): never a conflict. */
  sharedWith: readonly string[];
  /** The device's MAC: set again after adding, which pins it (as Go does). */
  mac?: string | undefined;
}

function conflicts(existing: string, wanted: string): boolean {
  const a = parseCIDR(existing);
  const b = parseCIDR(wanted);
  if (!a || !b || a.ip.family !== b.ip.family) return false;
  // Go's rule: a device keeps one IPv4 gateway; IPv6 ones coexist unless they overlap.
  return a.ip.family === 4 || cidrOverlaps(a, b);
}

/** Put the gateway CIDRs on `dev` (Go's ensureAddr, for several at once): one read, one plan. */
export async function ensureGatewayAddrs(dev: string, gws: readonly string[], o: GatewayAddrOptions): Promise<void> {
  if (gws.length === 0) return;
  const have = (await listAddrs(CURRENT_NETNS, { dev })).map((a) => a.cidr);
  const ops: NetOp[] = [];
  for (const a of have) {
    if (gws.includes(a) || o.sharedWith.includes(a)) continue;
    const hit = gws.find((g) => conflicts(a, g));
    if (!hit) continue;
    if (!o.force) {
      throw new CniError(ErrorCode.InvalidConfig, `"${dev}" already has an IP address different from ${hit}`);
    }
    ops.push({ op: "delAddr", dev, cidr: a });
  }
  const missing = gws.filter((g) => !have.includes(g));
  // nodad: the gateway is ours by config, and must answer the first container at once.
  for (const g of missing) ops.push({ op: "addAddr", dev, cidr: g, nodad: true });
  if (missing.length && o.mac) ops.push({ op: "setLink", name: dev, mac: o.mac });
  if (ops.length) await apply(CURRENT_NETNS, ops);
}

/** Remove addresses (missing ones, or a missing device, are fine). */
export async function removeGatewayAddrs(dev: string, cidrs: readonly string[]): Promise<void> {
  if (cidrs.length === 0) return;
  const have = (await listAddrs(CURRENT_NETNS, { dev })).map((a) => a.cidr);
  const ops = cidrs.filter((c) => have.includes(c)).map((cidr): NetOp => ({ op: "delAddr", dev, cidr }));
  if (ops.length) await apply(CURRENT_NETNS, ops);
}
