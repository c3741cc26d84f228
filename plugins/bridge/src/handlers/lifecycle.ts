import { CniError, ErrorCode, VALID_ATTACHMENTS_KEY } from "@tscni/types";
import { apply, CURRENT_NETNS, gcContainerMasq, getLink, listLinks } from "@tscni/net";
import { delegateLifecycle, type LifecycleVerb } from "@tscni/invoke";
import { attachmentAlias, networkToken, parseAttachmentAlias } from "../alias.js";
import type { BridgeConf } from "../config.js";
import { confOf, instanceOf, ipamEnv, type BridgeContext } from "../context.js";
import { withStateLock } from "../records.js";
import { releaseInstance } from "../release-instance.js";
import { setupNetwork } from "../setup-network.js";

/** Forward a lifecycle verb to IPAM, under the invocation package's rules for delegates that predate it. */
async function forward(ctx: BridgeContext, verb: LifecycleVerb, ipamType: string): Promise<void> {
  if (ipamType !== "") await delegateLifecycle(verb, ipamType, ctx.stdin, ipamEnv(ctx));
}

/** INIT: create or adopt the bridge, gateway, sysctls, masquerade for this config instance; record; then IPAM. */
export async function init(ctx: BridgeContext): Promise<void> {
  const conf = confOf(ctx);
  await withStateLock(conf.stateDir, () => setupNetwork(conf, instanceOf(ctx), { repair: true }));
  await forward(ctx, "INIT", conf.ipamType);
}

/** Run ours whatever `first` answered, then report first's error (ours wins if both fail). */
async function thenRegardless(first: Promise<void>, ours: () => Promise<void>): Promise<void> {
  const r = await first.then(() => undefined, (e: unknown) => ({ e }));
  await ours();
  if (r) throw r.e;
}

/**
 * DEINIT: IPAM first (it may need nothing of ours), then release this config instance's
 * claims, also when IPAM refused (e.g. a config it rejects): our state must not outlive
 * DEINIT. Other instances of the network (other configs still in use) keep theirs.
 */
export async function deinit(ctx: BridgeContext): Promise<void> {
  const conf = confOf(ctx);
  const key = instanceOf(ctx);
  await thenRegardless(forward(ctx, "DEINIT", conf.ipamType), () =>
    withStateLock(conf.stateDir, () => releaseInstance(conf.stateDir, conf.name, key)),
  );
}

/**
 * GC: IPAM releases stale reservations; we delete host veths on the bridge whose alias
 * names an attachment of this network that is not valid, and leftover per-container
 * masquerade rules (Go's, or from before INIT) of such attachments. Ours runs even when
 * IPAM's GC fails.
 */
export async function gc(ctx: BridgeContext): Promise<void> {
  const conf = confOf(ctx);
  // An absent list must never read as "nothing is valid" (docs/lifecycle.md, GC).
  if (ctx.config[VALID_ATTACHMENTS_KEY] === undefined) {
    throw new CniError(ErrorCode.InvalidConfig, `GC needs ${VALID_ATTACHMENTS_KEY} in the config`, "the list of attachments still valid is missing; nothing was removed");
  }
  await thenRegardless(forward(ctx, "GC", conf.ipamType), () => gcOurs(ctx, conf));
}

async function gcOurs(ctx: BridgeContext, conf: BridgeConf): Promise<void> {
  const valid = ctx.config[VALID_ATTACHMENTS_KEY]!;
  // Same aliases ADD would give (long IDs hashed the same way).
  const validAliases = new Set(valid.map((v) => attachmentAlias(conf.name, v.containerID, v.ifname)));
  const net = networkToken(conf.name);
  const ports = await listLinks(CURRENT_NETNS, { master: conf.bridge });
  const doomed = ports.filter((p) => {
    const a = parseAttachmentAlias(p.alias);
    return a !== undefined && a.network === net && !validAliases.has(p.alias!);
  });
  if (doomed.length) await apply(CURRENT_NETNS, doomed.map((p) => ({ op: "deleteLink", name: p.name }) as const));
  if (conf.ipMasq) await gcContainerMasq(CURRENT_NETNS, conf.name, valid);
}

/** STATUS: IPAM's answer, and code 50 when the bridge name is taken by something else. */
export async function status(ctx: BridgeContext): Promise<void> {
  const conf = confOf(ctx);
  const link = await getLink(CURRENT_NETNS, conf.bridge);
  if (link && link.kind !== "bridge") {
    throw new CniError(ErrorCode.NotAvailable, `"${conf.bridge}" exists but is not a bridge`);
  }
  await forward(ctx, "STATUS", conf.ipamType);
}
