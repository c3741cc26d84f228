import type { Backend } from "./backend.js";
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
 * Check every op (code 7), name unnamed veths, and run the plan on `b` (see apply for the
 * results and errors): a missing object read or deleted is a result, not a failure, and a
 * random veth name that collides is drawn again.
 */
export async function runPlan<const T extends readonly NetOp[]>(b: Backend, ns: Netns, ops: T | Promise<T>): Promise<PlanResults<T>> {
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
  return (await runChecked(b, ns, first, named)) as PlanResults<T>;
}

async function runChecked(b: Backend, ns: Netns, first: NetOp[] | Promise<NetOp[]>, named: ReadonlySet<number>): Promise<unknown[]> {
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
