import { ExecError } from "../exec.js";
import { errnoName, errnoOf, errnoText, NetError } from "../errors.js";
import { matchLink, matchRoute, type RouteFilter } from "../model.js";
import { inNetns, NetnsError, runIn, type Netns } from "../netns.js";
import { describeOp, type NetOp } from "../ops.js";
import type { Backend, PlanRun } from "../backend.js";
import { opLines, type OpLines } from "./lines.js";
import { addrsOf, linkOf, linksOf, portVlansOf, routeOf, type IpLinkJson } from "./parse.js";

/*
 * The exec backend: a plan's operations become the lines of one `ip -json -batch -` exec
 * (consecutive VLAN operations one `bridge -batch` exec), whose JSON lines are the reads'
 * answers. iproute2's batch reader splits on blanks and honours quotes and "#": ops.ts
 * checks every word, so none carries either.
 */

const ARGV = { ip: ["ip", "-json", "-N", "-details", "-batch", "-"], bridge: ["bridge", "-json", "-batch", "-"] } as const;

interface Segment {
  prog: "ip" | "bridge";
  /** Index in the plan of each op of the segment, and its lines. */
  ops: Array<{ at: number; op: NetOp; lines: OpLines }>;
}

function segmentsOf(ns: Netns, ops: readonly NetOp[]): Segment[] {
  const out: Segment[] = [];
  ops.forEach((op, at) => {
    const lines = opLines(ns, op);
    const last = out[out.length - 1];
    if (last && last.prog === lines.prog) last.ops.push({ at, op, lines });
    else out.push({ prog: lines.prog, ops: [{ at, op, lines }] });
  });
  return out;
}

const text = (seg: Segment) => seg.ops.flatMap((o) => o.lines.lines).map((l) => l.join(" ") + "\n").join("");

/** The kernel's reason in the words `ip` prints for it, and its errno when those words are strerror's. */
export function reasonOf(stderr: string): { reason: string; errno?: string | undefined } {
  const lines = stderr.split("\n").map((l) => l.trim()).filter((l) => l !== "" && !/^Command failed/.test(l) && !/^warning\b/i.test(l));
  let reason = lines[0] ?? "failed";
  // ip resolves names itself: a missing device is its own words, the kernel's would be ENODEV.
  if (/^Cannot find device|^Device ".*" does not exist|is wrong: Device does not exist/.test(reason)) reason = errnoText(19);
  reason = reason.replace(/^RTNETLINK answers: /, "").replace(/^Error: /, "");
  const n = errnoOf(reason);
  return { reason, errno: n === undefined ? undefined : errnoName(n) };
}

/** Which line of the batch failed: ip says so, except when it exits on an argument it cannot resolve. */
function failedLine(all: string[][], stderr: string): number {
  const m = /Command failed -:(\d+)/.exec(stderr);
  if (m) return Number(m[1]) - 1;
  const arg = /argument "([^"]*)" is wrong/.exec(stderr)?.[1];
  return arg === undefined ? -1 : all.findIndex((l) => l.indexOf(arg) > 0);
}

function parseShow(op: NetOp, json: string): unknown {
  const rows = JSON.parse(json) as unknown[];
  switch (op.op) {
    case "createBridge":
    case "createVeth":
    case "getLink": {
      const r = rows[0] as IpLinkJson | undefined;
      return r && linkOf(r);
    }
    case "listLinks":
      return linksOf(rows as IpLinkJson[]).filter((l) => matchLink(l, op));
    case "listAddrs":
      return addrsOf(rows as IpLinkJson[]).filter((a) => op.family === undefined || a.family === op.family);
    case "listRoutes":
      return (rows as Parameters<typeof routeOf>[0][]).map(routeOf).filter((r) => matchRoute(r, op as RouteFilter));
    case "listPortVlans":
      return portVlansOf(rows as Parameters<typeof portVlansOf>[0], op.name);
    default:
      return undefined;
  }
}

/** Results of the ops of a segment that completed, from the JSON lines printed so far. */
function collect(seg: Segment, stdout: string, upTo: number): unknown[] {
  const json = stdout.split("\n").filter((l) => l.trim() !== "");
  const out: unknown[] = [];
  let k = 0;
  for (const o of seg.ops.slice(0, upTo)) {
    let r: unknown = o.op.op === "deleteLink" || o.op.op === "delAddr" || o.op.op === "delRoute" ? true : undefined;
    for (let s = 0; s < o.lines.shows; s++) r = parseShow(o.op, json[k++] ?? "[]");
    out.push(r);
  }
  return out;
}

async function runSegment(ns: Netns, seg: Segment, run: Promise<{ stdout: string }>): Promise<PlanRun> {
  try {
    return { results: collect(seg, (await run).stdout, seg.ops.length) };
  } catch (e) {
    if (!(e instanceof ExecError)) throw e;
    return failure(ns, seg, e);
  }
}

/** The op the batch stopped at, as a NetError, with the results of those before it; a composite op that got half done is undone first. */
async function failure(ns: Netns, seg: Segment, e: ExecError): Promise<PlanRun> {
  const peer = /argument "([^"]*)" is wrong: Invalid "netns" value/.exec(e.stderr)?.[1];
  if (peer !== undefined) throw new NetnsError(peer, "missing", e.details);
  const all = seg.ops.flatMap((o) => o.lines.lines);
  const missing = e.failure === "missing-binary";
  const line = missing ? 0 : failedLine(all, e.stderr);
  let end = 0;
  const i = line < 0 ? -1 : seg.ops.findIndex((o) => (end += o.lines.lines.length) > line);
  const failed = seg.ops[Math.max(i, 0)]!;
  if (i >= 0 && line > end - failed.lines.lines.length && (failed.op.op === "createVeth" || failed.op.op === "createBridge")) {
    await runIn(ns, ["ip", "link", "del", "dev", failed.op.name!]).catch(() => {});
  }
  const { reason, errno } = missing ? { reason: "program not found", errno: undefined } : reasonOf(e.stderr);
  const argv = line >= 0 ? inNetns(ns, [seg.prog, ...all[line]!]) : e.argv;
  const stderr = e.stderr.replace(/\n?Command failed -:\d+\s*$/, "");
  const error = new NetError({
    op: describeOp(failed.op), index: i < 0 ? -1 : failed.at, reason, errno, argv, stderr,
    ...(missing ? { failure: "missing-binary" as const } : {}),
    details: `command: ${argv.join(" ")}\n${e.exitCode === null ? "no exit status" : `exit status ${e.exitCode}`}\nstderr: ${stderr.trim() || "(empty)"}`,
  });
  return { results: i < 0 ? [] : collect(seg, e.stdout, i), error };
}

export const iproute2Backend: Backend = {
  name: "iproute2",
  async run(ns, ops): Promise<PlanRun> {
    // A plan still being worked out: the first exec starts now and reads its lines when they are known.
    let early: Promise<{ stdout: string }> | undefined;
    let plan: readonly NetOp[];
    if (ops instanceof Promise) {
      const input = ops.then((o) => {
        const first = segmentsOf(ns, o)[0];
        return first?.prog === "ip" ? text(first) : "";
      });
      early = runIn(ns, ARGV.ip, { input });
      early.catch(() => {});
      try {
        plan = await ops;
      } catch (e) {
        await early.catch(() => {});
        throw e;
      }
    } else plan = ops;
    const results: unknown[] = [];
    for (const seg of segmentsOf(ns, plan)) {
      const mine = early && seg.prog === "ip" && seg.ops[0]!.at === 0 ? early : undefined;
      if (early && !mine) await early.catch(() => {});
      early = undefined;
      const r = await runSegment(ns, seg, mine ?? runIn(ns, ARGV[seg.prog], { input: text(seg) }));
      results.push(...r.results);
      if (r.error) return { results, error: r.error };
    }
    if (early) await early.catch(() => {});
    return { results };
  },
};
