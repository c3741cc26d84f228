import { mark, type EarlyCall, type EarlyWork } from "@tscni/skel";
import { startDelegate, type Delegation } from "@tscni/invoke/start";

/**
 * What the bridge starts before its modules load: each verb's slowest step that needs only
 * the env and the raw config. skel runs this only where it lets the call through (its env
 * rules, a valid network name, not our own netns), so a call it turns away has done nothing.
 */
export interface BridgeEarly extends EarlyWork {
  /** ADD: the IPAM ADD (exec'd now; our own host-local runs in-process when add() claims it). */
  ipam?: Delegation<"ADD">;
  /** DEL: the container end's deletion (resolves when deleted or already gone). */
  linkDel?: Promise<boolean>;
}

export async function startEarly(call: EarlyCall): Promise<BridgeEarly | undefined> {
  if (call.command === "ADD") {
    const type = (call.config.ipam as { type?: unknown } | null | undefined)?.type;
    // Without a container interface there is no IPAM (or the ADD fails first).
    if (call.config.disableContainerInterface === true || typeof type !== "string" || type === "") return undefined;
    const ipam = startDelegate("ADD", type, call.stdin, { env: call.env, onStderr: call.stderr });
    if (!ipam.inProcess && ipam.path) mark(`early IPAM exec started: ${ipam.path}`);
    return { ipam, release: () => ipam.release() };
  }
  if (call.command === "DEL" && call.netns !== "") {
    const { deleteLink, openNetns } = await import("@tscni/net");
    // A netns that is gone or not one: del() finds the host end by its alias, or reports it.
    const ns = await openNetns(call.netns).catch(() => undefined);
    if (!ns) return undefined;
    // In a process of its own: the kernel's teardown of the veth then overlaps the loading of
    // the rest of the plugin instead of holding this thread.
    const linkDel = deleteLink(ns, call.ifname, { overlap: true });
    linkDel.catch(() => {}); // del() takes the normal path when this failed
    mark("early link deletion started");
    return { linkDel, release: () => {} };
  }
  return undefined;
}
