import { backend, overlappingBackend, type Backend } from "./backend.js";
import type { Netns } from "./netns.js";
import { checkOp, isDeletion, isQuery, type NetOp, type PlanResults } from "./ops.js";

/** "veth" + 8 random hex digits, the Go plugins' host-side naming. */
export function randomVethName(): string {
  const b = new Uint8Array(4);
  crypto.getRandomValues(b);
  return "veth" + Array.from(b, (x) => x.toString(16).padStart(2, "0")).join("");
}

/** What a read of something missing answers, and a deletion of something already gone. */
function goneResult(o: NetOp): unknown {
  if (isDeletion(o)) return false;
  return o.op === "getLink" ? undefined : [];
}

const RANDOM_TRIES = 8;

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
 * `overlap`: the plan runs in a process of its own (one exec) whichever backend this process
 * uses, so this thread goes on with its own work while the kernel works: for a step the
 * kernel takes long for, started early (the bridge's DEL starts the veth's teardown before
 * its modules load). Same results and errors.
 */
export async function apply<const T extends readonly NetOp[]>(ns: Netns, ops: T | Promise<T>, opts: ApplyOptions = {}): Promise<PlanResults<T>> {
  const b = opts.overlap ? await overlappingBackend() : await backend();
  const named = new Set<number>();
  const prepare = (list: readonly NetOp[]) =>
    list.map((o, i) => {
      const c = checkOp(o);
      if (c.op === "createVeth" && c.name === undefined) {
        named.add(i);
        return { ...c, name: randomVethName() };
      }
      return c;
    });
  const first = ops instanceof Promise ? ops.then(prepare) : prepare(ops);
  if (first instanceof Promise) first.catch(() => {});
  return (await runPlan(b, ns, first, named)) as PlanResults<T>;
}

async function runPlan(b: Backend, ns: Netns, first: NetOp[] | Promise<NetOp[]>, named: ReadonlySet<number>): Promise<unknown[]> {
  const results: unknown[] = [];
  let plan: NetOp[] | undefined;
  let from = 0;
  let tries = 0;
  for (;;) {
    const run = await b.run(ns, plan ? plan.slice(from) : first);
    plan ??= await first;
    results.push(...run.results);
    const e = run.error;
    if (!e) return results;
    const at = e.index < 0 ? -1 : from + e.index;
    const op = plan[at];
    if (op && e.failure === "not-found" && (isDeletion(op) || isQuery(op))) {
      results.push(goneResult(op));
      from = at + 1;
      continue;
    }
    if (op?.op === "createVeth" && named.has(at) && e.failure === "exists" && ++tries < RANDOM_TRIES && (await nearEndTaken(b, ns, op.name!))) {
      plan = plan.map((o, i) => (i === at ? { ...op, name: randomVethName() } : o));
      from = at;
      continue;
    }
    throw at === e.index ? e : e.at(at);
  }
}

/** Which end of a veth collided: a random near-end name is worth another try, a taken peer name is not. */
async function nearEndTaken(b: Backend, ns: Netns, name: string): Promise<boolean> {
  const r = await b.run(ns, [{ op: "getLink", name }]);
  return r.results[0] !== undefined;
}

/** One op: its result, or its NetError. */
export interface ApplyOptions {
  /** Run the plan in a process of its own, so this thread keeps going meanwhile (see apply). */
  overlap?: boolean | undefined;
}

export async function applyOne<O extends NetOp>(ns: Netns, op: O, opts: ApplyOptions = {}): Promise<PlanResults<[O]>[0]> {
  const [r] = await apply(ns, [op] as const, opts);
  return r as PlanResults<[O]>[0];
}
