import { iproute2Backend } from "./iproute2/backend.js";
import type { Netns } from "./netns.js";
import type { NetOp, PlanResults } from "./ops.js";
import { runPlan } from "./run-plan.js";

export { openNetns, NetnsError, type Netns } from "./netns.js";
export type { NetOp, PlanResults } from "./ops.js";

/**
 * Run a plan as apply does, in a process of its own (one `ip -batch` exec) whichever backend
 * this process uses: this thread goes on with its own work while the kernel works, for a
 * step the kernel takes long for, started early (the bridge's DEL starts the veth's teardown
 * before its modules load). Same results and errors as apply. Not in-process: the kernel
 * serves a netlink request inside the sender's sendmsg, so a slow one (a veth's teardown
 * waits in unregister_netdevice) would hold this thread for as long.
 *
 * Its own entry (`@tscni/net/overlap`) so that code which runs before the rest of a plugin
 * loads evaluates only the exec backend and the netns check, not all of @tscni/net.
 */
export function applyOverlapped<const T extends readonly NetOp[]>(ns: Netns, ops: T | Promise<T>): Promise<PlanResults<T>> {
  return runPlan(iproute2Backend, ns, ops);
}
