import { mark, type EarlyCall } from "@tscni/skel";
import { applyOverlapped, openNetns } from "@tscni/net/overlap";
import type { BridgeEarly } from "./early.js";

/**
 * DEL: start deleting the container end, in a process of its own: the kernel's teardown of
 * the veth then overlaps the loading of the rest of the plugin instead of holding this thread.
 */
export async function startLinkDeletion(call: EarlyCall): Promise<BridgeEarly | undefined> {
  // A netns that is gone or not one: del() finds the host end by its alias, or reports it.
  const ns = await openNetns(call.netns).catch(() => undefined);
  if (!ns) return undefined;
  const linkDel = applyOverlapped(ns, [{ op: "deleteLink", name: call.ifname }] as const).then(([deleted]) => deleted);
  linkDel.catch(() => {}); // del() takes the normal path when this failed
  mark("early link deletion started");
  return { linkDel, release: () => {} };
}
