import { CniError, ErrorCode } from "@tscni/types";
import { runIn, type Netns } from "../netns.js";
import * as nft from "./nft.js";
import * as ipt from "./iptables.js";
import type { ContainerMasq, MasqAttachment, MasqBackendName, NetworkMasq } from "./types.js";

export type { ContainerMasq, MasqAttachment, MasqBackendName, NetworkMasq } from "./types.js";
export * from "./nft.js";
export * from "./iptables.js";
export { goChainName, goComment, netChainName, netTableName, nftInstanceComment, GO_NFT_TABLE, GO_NFT_CHAIN } from "./names.js";

const detected = new Map<string, MasqBackendName>();

/**
 * nftables when `nft` runs in ns (binary present, kernel support), else iptables.
 * One exec per netns per process; `override` (e.g. the config's ipMasqBackend) wins.
 */
export async function detectMasqBackend(ns: Netns, override?: MasqBackendName | string): Promise<MasqBackendName> {
  if (override !== undefined) {
    if (override !== "nftables" && override !== "iptables") throw new CniError(ErrorCode.InvalidConfig, `unknown masquerade backend ${JSON.stringify(override)}`);
    return override;
  }
  const known = detected.get(ns.path);
  if (known) return known;
  let b: MasqBackendName = "iptables";
  try {
    await runIn(ns, ["nft", "list", "tables"]);
    b = "nftables";
  } catch {
    // no usable nft: fall back to iptables
  }
  detected.set(ns.path, b);
  return b;
}

export async function ensureContainerMasq(ns: Netns, m: ContainerMasq, backend?: MasqBackendName): Promise<void> {
  return (await detectMasqBackend(ns, backend)) === "nftables" ? nft.nftEnsureContainerMasq(ns, m) : ipt.iptEnsureContainerMasq(ns, m);
}

/**
 * Remove an attachment's rules. Without a backend, both are cleaned (the rules may
 * come from another plugin version or config, as Go does); a backend whose tool is
 * missing is skipped.
 */
export async function deleteContainerMasq(ns: Netns, m: Omit<ContainerMasq, "ips">, backend?: MasqBackendName): Promise<void> {
  await eachBackend(backend, (b) => (b === "nftables" ? nft.nftDeleteContainerMasq(ns, m) : ipt.iptDeleteContainerMasq(ns, m)));
}

export async function listContainerMasq(ns: Netns, network: string, backend?: MasqBackendName): Promise<MasqAttachment[]> {
  const out: MasqAttachment[] = [];
  await eachBackend(backend, async (b) => {
    out.push(...(b === "nftables" ? await nft.nftListContainerMasq(ns, network) : await ipt.iptListContainerMasq(ns, network)));
  });
  return out;
}

/** GC: remove rules of `network`'s attachments not in `valid` (cni.dev/valid-attachments). */
export async function gcContainerMasq(ns: Netns, network: string, valid: ReadonlyArray<{ containerID: string; ifname: string }>, backend?: MasqBackendName): Promise<MasqAttachment[]> {
  const out: MasqAttachment[] = [];
  await eachBackend(backend, async (b) => {
    out.push(...(b === "nftables" ? await nft.nftGcContainerMasq(ns, network, valid) : await ipt.iptGcContainerMasq(ns, network, valid)));
  });
  return out;
}

export async function ensureNetworkMasq(ns: Netns, n: NetworkMasq, backend?: MasqBackendName): Promise<void> {
  return (await detectMasqBackend(ns, backend)) === "nftables" ? nft.nftEnsureNetworkMasq(ns, n) : ipt.iptEnsureNetworkMasq(ns, n);
}

export async function deleteNetworkMasq(ns: Netns, network: string, backend?: MasqBackendName): Promise<void> {
  await eachBackend(backend, (b) => (b === "nftables" ? nft.nftDeleteNetworkMasq(ns, network) : ipt.iptDeleteNetworkMasq(ns, network)));
}

export async function listNetworkMasq(ns: Netns, backend?: MasqBackendName): Promise<string[]> {
  const out = new Set<string>();
  await eachBackend(backend, async (b) => {
    for (const n of b === "nftables" ? await nft.nftListNetworkMasq(ns) : await ipt.iptListNetworkMasq(ns)) out.add(n);
  });
  return [...out];
}

/** Run for one backend, or for both with "tool not installed" tolerated. */
async function eachBackend(backend: MasqBackendName | undefined, fn: (b: MasqBackendName) => Promise<void>): Promise<void> {
  if (backend) return fn(backend);
  for (const b of ["nftables", "iptables"] as const) {
    try {
      await fn(b);
    } catch (e) {
      if ((e as { failure?: string }).failure !== "missing-binary") throw e;
    }
  }
}
