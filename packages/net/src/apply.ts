import { backend } from "./backend.js";
import type { Netns } from "./netns.js";
import type { NetOp, PlanResults } from "./ops.js";
import { runPlan } from "./run-plan.js";

/**
 * Run `ops` in `ns`, in order, in one round trip: one netlink conversation in-process (the
 * standalone build), else one `ip -batch` exec (plus one `bridge -batch` for VLANs). Every
 * op is checked before anything runs (code 7). Results come back in the same order: the
 * link a create made, what a read found, whether a delete removed something (false: it was
 * already gone), undefined for other changes.
 *
 * Stops at the first op that fails with a NetError whose `index` names it: the ops before
 * it are done (undo them if you must), none after it ran; an op that creates something
 * undoes its own half-done work first. A veth without a name gets "veth" + 8 random hex
 * digits, another on collision. `ops` may be a promise: the `ip` exec starts at once and
 * reads its commands when it resolves (a rejection rejects the call and runs nothing).
 *
 * For a slow step to run in a process of its own while this thread goes on, see
 * `applyOverlapped` (`@tscni/net/overlap`).
 */
export async function apply<const T extends readonly NetOp[]>(ns: Netns, ops: T | Promise<T>): Promise<PlanResults<T>> {
  return runPlan(await backend(), ns, ops);
}

/** One op: its result, or its NetError. */
export async function applyOne<O extends NetOp>(ns: Netns, op: O): Promise<PlanResults<[O]>[0]> {
  const [r] = await apply(ns, [op] as const);
  return r as PlanResults<[O]>[0];
}
