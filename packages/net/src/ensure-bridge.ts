import { CniError, ErrorCode } from "@tscni/types";
import { apply } from "./apply.js";
import { getLink } from "./calls.js";
import { isFailure } from "./errors.js";
import type { Link } from "./model.js";
import type { Netns } from "./netns.js";
import type { BridgeSpec, NetOp } from "./ops.js";

/**
 * Create the bridge, or adopt the one that has the name: up, promiscuous and VLAN
 * filtering when asked (never turned off, never a new MTU or MAC for one we did not make,
 * as Go's bridge). A non-bridge with that name is code 7. A concurrent creator is fine.
 * Returns it read back and whether this call created it.
 */
export async function ensureBridge(ns: Netns, o: Omit<BridgeSpec, "up">): Promise<{ link: Link; created: boolean }> {
  let link = await getLink(ns, o.name);
  if (!link) {
    try {
      const [made] = await apply(ns, [{ op: "createBridge", ...o, up: true }] as const);
      return { link: made, created: true };
    } catch (e) {
      if (!isFailure(e, "exists")) throw e;
    }
    link = await getLink(ns, o.name);
    if (!link) throw new CniError(ErrorCode.TryAgainLater, `bridge ${o.name} vanished while being created`);
  }
  if (link.kind !== "bridge") throw new CniError(ErrorCode.InvalidConfig, `"${o.name}" already exists but is not a bridge`);
  const change: NetOp & { op: "setLink" } = { op: "setLink", name: o.name };
  if (o.vlanFiltering && !link.vlanFiltering) change.vlanFiltering = true;
  if (o.promisc && !link.promisc) change.promisc = true;
  if (!link.up) change.up = true;
  if (Object.keys(change).length === 2) return { link, created: false };
  const [, read] = await apply(ns, [change, { op: "getLink", name: o.name }] as const);
  return { link: read ?? link, created: false };
}
