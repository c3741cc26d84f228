/**
 * Host-side links we create carry an ifalias, so GC can map a bridge port back to its
 * attachment and DEINIT can tell our ports from an admin's. Tokens never contain "/"
 * (skel validates network names and container ids; ifnames cannot hold "/").
 */
export const OURS = "tscni";

export const attachmentAlias = (network: string, containerId: string, ifname: string): string =>
  `${OURS}/${network}/${containerId}/${ifname}`;

export const vlanGatewayAlias = (bridge: string, vlan: number): string => `${OURS}-vlan/${bridge}.${vlan}`;

export interface AliasAttachment {
  network: string;
  containerId: string;
  ifname: string;
}

export function parseAttachmentAlias(alias: string | undefined): AliasAttachment | undefined {
  const p = alias?.split("/");
  if (!p || p.length !== 4 || p[0] !== OURS) return undefined;
  return { network: p[1]!, containerId: p[2]!, ifname: p[3]! };
}

export const isOurs = (alias: string | undefined): boolean => alias !== undefined && alias.startsWith(OURS);
