import { CniError, ErrorCode, VALID_ATTACHMENTS_KEY } from "@tscni/types";
import { CURRENT_NETNS, gcContainerMasq, getLink, listLinks, runBatch } from "@tscni/net";
import { delegate } from "@tscni/ipam";
import { parseAttachmentAlias } from "../alias.js";
import { confOf, ipamEnv, type BridgeContext } from "../context.js";
import { withStateLock } from "../records.js";
import { releaseNetwork } from "../release-network.js";
import { setupNetwork } from "../setup-network.js";

/** Forward a lifecycle verb to IPAM; code 4 means the delegate does not implement it (LIFECYCLE.md). */
async function forward(ctx: BridgeContext, verb: "INIT" | "DEINIT" | "GC" | "STATUS", ipamType: string): Promise<void> {
  if (ipamType === "") return;
  try {
    await delegate(verb, ipamType, ctx.stdin, ipamEnv(ctx));
  } catch (e) {
    if ((verb === "INIT" || verb === "DEINIT") && e instanceof CniError && e.code === ErrorCode.InvalidEnv) return;
    throw e;
  }
}

/** INIT: create or adopt the bridge, gateway, sysctls, per-network masquerade; record; then IPAM. */
export async function init(ctx: BridgeContext): Promise<void> {
  const conf = confOf(ctx);
  await withStateLock(conf.stateDir, () => setupNetwork(conf, { repair: true }));
  await forward(ctx, "INIT", conf.ipamType);
}

/** DEINIT: IPAM first (it may need nothing of ours), then release this network's claims. */
export async function deinit(ctx: BridgeContext): Promise<void> {
  const conf = confOf(ctx);
  await forward(ctx, "DEINIT", conf.ipamType);
  await withStateLock(conf.stateDir, () => releaseNetwork(conf.stateDir, conf.name));
}

/**
 * GC: IPAM releases stale reservations; we delete host veths on the bridge whose alias
 * names an attachment of this network that is not valid, and leftover per-container
 * masquerade rules (Go's, or from before INIT) of such attachments.
 */
export async function gc(ctx: BridgeContext): Promise<void> {
  const conf = confOf(ctx);
  await forward(ctx, "GC", conf.ipamType);
  const valid = ctx.config[VALID_ATTACHMENTS_KEY] ?? [];
  const isValid = (id: string, ifname: string) => valid.some((v) => v.containerID === id && v.ifname === ifname);
  const ports = await listLinks(CURRENT_NETNS, { master: conf.bridge });
  const doomed = ports.filter((p) => {
    const a = parseAttachmentAlias((p as { ifalias?: string }).ifalias);
    return a !== undefined && a.network === conf.name && !isValid(a.containerId, a.ifname);
  });
  await runBatch(CURRENT_NETNS, "ip", doomed.map((p) => ["link", "del", "dev", p.ifname]));
  if (conf.ipMasq) await gcContainerMasq(CURRENT_NETNS, conf.name, valid);
}

/** STATUS: IPAM's answer, and code 50 when the bridge name is taken by something else. */
export async function status(ctx: BridgeContext): Promise<void> {
  const conf = confOf(ctx);
  const link = await getLink(CURRENT_NETNS, conf.bridge);
  if (link && link.linkinfo?.info_kind !== "bridge") {
    throw new CniError(ErrorCode.NotAvailable, `"${conf.bridge}" exists but is not a bridge`);
  }
  await forward(ctx, "STATUS", conf.ipamType);
}
