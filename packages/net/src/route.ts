import { ip, ipJson } from "./ipcmd.js";
import { isExecFailure } from "./exec.js";
import { checkAddr, checkIfName, checkInt, isV6 } from "./names.js";
import type { Netns } from "./netns.js";

export interface Route {
  /** CIDR or "default". */
  dst: string;
  via?: string;
  dev?: string;
  scope?: "global" | "link" | "host";
  /** Table id or name ("main", "local"). */
  table?: number | string;
  mtu?: number;
  src?: string;
  metric?: number;
  onlink?: boolean;
  /** Needed only for "default" without via/src (ip cannot guess the family). */
  family?: 4 | 6;
}

/** "default" becomes 0.0.0.0/0 or ::/0 so one batch can hold routes of both families. */
function dstOf(r: Route): string {
  if (r.dst !== "default") return checkAddr(r.dst, "route destination");
  const v6 = r.family === 6 || (r.via !== undefined && isV6(r.via)) || (r.src !== undefined && isV6(r.src));
  return v6 ? "::/0" : "0.0.0.0/0";
}

export function routeArgs(op: "add" | "replace" | "del", r: Route): string[] {
  const a = ["route", op, dstOf(r)];
  if (r.via !== undefined) a.push("via", checkAddr(r.via, "gateway"));
  if (r.dev !== undefined) a.push("dev", checkIfName(r.dev));
  if (r.src !== undefined) a.push("src", checkAddr(r.src, "source address"));
  if (r.scope !== undefined) a.push("scope", r.scope);
  if (r.table !== undefined) a.push("table", typeof r.table === "number" ? checkInt(r.table, 0, 0xffffffff, "table") : checkIfName(r.table, "table"));
  if (r.metric !== undefined) a.push("metric", checkInt(r.metric, 0, 0xffffffff, "metric"));
  if (r.mtu !== undefined) a.push("mtu", checkInt(r.mtu, 68, 65535, "mtu"));
  if (r.onlink) a.push("onlink");
  return a;
}

export async function addRoute(ns: Netns, r: Route): Promise<void> {
  await ip(ns, routeArgs("add", r));
}

export async function replaceRoute(ns: Netns, r: Route): Promise<void> {
  await ip(ns, routeArgs("replace", r));
}

/** Delete a route; false when no such route existed. */
export async function delRoute(ns: Netns, r: Route): Promise<boolean> {
  try {
    await ip(ns, routeArgs("del", r));
    return true;
  } catch (e) {
    if (isExecFailure(e, "not-found")) return false;
    throw e;
  }
}

/** A route as `ip -json route show` reports it. */
export interface RouteEntry {
  dst: string;
  gateway?: string;
  dev?: string;
  scope?: string;
  prefsrc?: string;
  metric?: number;
  table?: string;
  protocol?: string;
  flags?: string[];
  metrics?: Array<{ mtu?: number }>;
}

export interface RouteFilter {
  family?: 4 | 6;
  table?: number | string;
  dev?: string;
}

export async function listRoutes(ns: Netns, f: RouteFilter = {}): Promise<RouteEntry[]> {
  const args = [`-${f.family ?? 4}`, "route", "show"];
  if (f.table !== undefined) args.push("table", String(f.table));
  if (f.dev !== undefined) args.push("dev", checkIfName(f.dev));
  return ipJson<RouteEntry>(ns, args, f.dev !== undefined);
}
