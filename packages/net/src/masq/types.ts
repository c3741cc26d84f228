/** One attachment's masquerade, as the Go bridge sets it up after ADD. */
export interface ContainerMasq {
  network: string;
  containerId: string;
  ifname: string;
  /** The container's addresses with prefix, e.g. "10.22.0.5/24" (from the IPAM result). */
  ips: string[];
}

/** Masquerade for a whole network: traffic from each subnet to outside it. */
export interface NetworkMasq {
  network: string;
  /** e.g. ["10.22.0.0/16", "fd00:22::/64"] */
  subnets: string[];
}

/** What list/GC found: an attachment that has rules (ifname is unknown to the iptables backend). */
export interface MasqAttachment {
  containerId: string;
  ifname?: string;
}

export type MasqBackendName = "nftables" | "iptables";
