import { CniError, ErrorCode, cidrOverlaps, parseCIDR } from "@tscni/types";
import { CURRENT_NETNS, listAddrs, runBatch } from "@tscni/net";

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

/**
 * Put the gateway CIDRs on `dev` (Go's ensureAddr, for several at once): one exec to
 * list, one batch to change. Returns the CIDRs that are now there.
 */
export async function ensureGatewayAddrs(dev: string, gws: readonly string[], o: GatewayAddrOptions): Promise<void> {
  if (gws.length === 0) return;
  const have = (await listAddrs(CURRENT_NETNS, dev)).map((a) => a.cidr);
  const cmds: string[][] = [];
  for (const a of have) {
    if (gws.includes(a) || o.sharedWith.includes(a)) continue;
    const hit = gws.find((g) => conflicts(a, g));
    if (!hit) continue;
    if (!o.force) {
      throw new CniError(ErrorCode.InvalidConfig, `"${dev}" already has an IP address different from ${hit}`);
    }
    cmds.push(["addr", "del", a, "dev", dev]);
  }
  const missing = gws.filter((g) => !have.includes(g));
  // nodad: the gateway is ours by config, and must answer the first container at once.
  for (const g of missing) cmds.push(g.includes(":") ? ["addr", "add", g, "dev", dev, "nodad"] : ["addr", "add", g, "dev", dev]);
  if (missing.length && o.mac) cmds.push(["link", "set", "dev", dev, "address", o.mac]);
  await runBatch(CURRENT_NETNS, "ip", cmds);
}

/** Remove addresses (missing ones are fine). */
export async function removeGatewayAddrs(dev: string, cidrs: readonly string[]): Promise<void> {
  if (cidrs.length === 0) return;
  let have: string[];
  try {
    have = (await listAddrs(CURRENT_NETNS, dev)).map((a) => a.cidr);
  } catch {
    return; // device gone: nothing to remove
  }
  await runBatch(CURRENT_NETNS, "ip", cidrs.filter((c) => have.includes(c)).map((c) => ["addr", "del", c, "dev", dev]));
}
