import { CniError, ErrorCode } from "@tscni/types";
import { canonicalCIDR, formatCIDR, formatIP, parseCIDR, type CIDR } from "@tscni/types/ip";

/** Hex of sha512(s), cut to `len` chars: the Go plugins' MustFormatHashWithPrefix. */
export function hashHex(s: string, len: number): string {
  // node:crypto is loaded on first use: it is costly to load under Bun, and an ADD
  // after INIT never needs a firewall name.
  return process.getBuiltinModule("node:crypto").createHash("sha512").update(s).digest("hex").slice(0, len);
}

/** Go's iptables chain for one container: "CNI-" + 24 hex of sha512(network + containerID). */
export const goChainName = (network: string, containerId: string): string => "CNI-" + hashHex(network + containerId, 24);

/** Go's comment on those rules: `name: "NET" id: "ID"` (Go %q, equal to JSON for printable text). */
export const goComment = (network: string, containerId: string): string => `name: ${JSON.stringify(network)} id: ${JSON.stringify(containerId)}`;

/** Go's nftables table/chain shared by all networks, and its per-rule comment. */
export const GO_NFT_TABLE = "cni_plugins_masquerade";
export const GO_NFT_CHAIN = "masq_checks";
export const nftNetworkHash = (network: string): string => hashHex(network, 16);
export const nftInstanceHash = (network: string, ifname: string, containerId: string): string =>
  nftNetworkHash(network) + "-" + hashHex(ifname + ":" + containerId, 16);
export function nftInstanceComment(network: string, ifname: string, containerId: string): string {
  const strip = (s: string) => s.replaceAll('"', "");
  const c = `${nftInstanceHash(network, ifname, containerId)}, net: ${strip(network)}, if: ${strip(ifname)}, id: ${strip(containerId)}`;
  return c.slice(0, 128); // knftables' CommentLengthMax
}

/** Our per-network rule set: nft table / iptables chain named from a hash of the network name. */
export const netTableName = (network: string): string => "tscni_masq_" + hashHex(network, 16);
export const netChainName = (network: string): string => "TSCNI-N-" + hashHex(network, 20);
export const NET_TABLE_PREFIX = "tscni_masq_";
export const NET_CHAIN_PREFIX = "TSCNI-N-";
/** Tag on every per-network rule: lets list/GC map a rule set back to its network. */
export const netComment = (network: string): string => `tscni net: ${network}`;
export const parseNetComment = (c: string): string | undefined => (c.startsWith("tscni net: ") ? c.slice(11) : undefined);

/** Comments go into nft scripts and iptables-restore input: refuse what would need quoting. */
export function checkNetworkName(network: string): string {
  if (!network || /["\\\n\r]/.test(network) || network.length > 100) {
    throw new CniError(ErrorCode.InvalidConfig, `network name ${JSON.stringify(network)} cannot be used in a firewall comment`);
  }
  return network;
}

export function checkContainerId(id: string): string {
  if (!id || /["\\\n\r]/.test(id)) throw new CniError(ErrorCode.InvalidConfig, `invalid container id ${JSON.stringify(id)}`);
  return id;
}

export function parseCidrOrThrow(s: string): CIDR {
  const c = parseCIDR(s);
  if (!c) throw new CniError(ErrorCode.InvalidConfig, `invalid CIDR ${JSON.stringify(s)}`);
  return c;
}

/** "10.1.2.3/24" -> "10.1.2.0/24". */
export const networkOfCidr = (c: CIDR): string => formatCIDR(canonicalCIDR(c));
export const hostOfCidr = (c: CIDR): string => formatIP(c.ip);
