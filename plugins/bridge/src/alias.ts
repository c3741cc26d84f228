/**
 * Host-side links we create carry an ifalias, so GC can map a bridge port back to its
 * attachment and DEINIT can tell our ports from an admin's. Tokens never contain "/"
 * (skel validates network names and container ids; ifnames cannot hold "/").
 */
export const OURS = "tscni";

/** The kernel refuses aliases of IFALIASZ (256) bytes or more. */
export const MAX_ALIAS_BYTES = 255;
/** Network names above this are hashed, so a container ID token always has room. */
const MAX_NETWORK_TOKEN = 100;

// "~" is outside the character set skel allows in names and IDs, so a hashed token never
// equals a literal one ("#" would start a comment in `ip -batch`). node:crypto loads only
// when a token is too long (rare).
const hashed = (s: string): string =>
  "~" + process.getBuiltinModule("node:crypto").createHash("sha256").update(s).digest("hex").slice(0, 40);

/** The alias token for a network name: the name itself, or its hash when long. */
export const networkToken = (network: string): string => (Buffer.byteLength(network) > MAX_NETWORK_TOKEN ? hashed(network) : network);

/**
 * `tscni/NET/CTR/IF`, always under the kernel's limit: a container ID (or network name)
 * that would not fit is replaced by a fixed-length hash. GC recomputes the same alias for
 * each valid attachment and compares.
 */
export function attachmentAlias(network: string, containerId: string, ifname: string): string {
  const net = networkToken(network);
  const full = `${OURS}/${net}/${containerId}/${ifname}`;
  return Buffer.byteLength(full) <= MAX_ALIAS_BYTES ? full : `${OURS}/${net}/${hashed(containerId)}/${ifname}`;
}

export const vlanGatewayAlias = (bridge: string, vlan: number): string => `${OURS}-vlan/${bridge}.${vlan}`;

/** An attachment alias split into its tokens (network and container ID may be hashes). */
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
