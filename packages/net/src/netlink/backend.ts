import { errnoName, errnoText, NetError, classify } from "../errors.js";
import type { Netns } from "../netns.js";
import { describeOp, type CheckedRoute, type NetOp } from "../ops.js";
import type { Backend, PlanRun } from "../backend.js";
import { matchLink, matchRoute, type RouteFilter } from "../model.js";
import { NetlinkError, Rtnl } from "./socket.js";
import * as links from "./links.js";
import * as l3 from "./l3.js";

/*
 * The in-process backend (the standalone build): one NETLINK_ROUTE socket opened in the
 * plan's netns (this thread switches in only to create it), the operations as the requests
 * `ip` and `bridge` send, in order, on this thread.
 */

function runOp(s: Rtnl, ns: Netns, o: NetOp, what: string): unknown {
  switch (o.op) {
    case "createBridge":
      links.createBridge(s, o, what);
      return links.getLink(s, o.name, what);
    case "createVeth": {
      const v = { ...o, name: o.name! };
      links.createVeth(s, ns, v, what);
      try {
        if (v.alias !== undefined) links.setLink(s, ns, v.name, { alias: v.alias }, what);
        if (v.port) links.setBridgePort(s, v.name, v.port, what);
        return links.getLink(s, v.name, what);
      } catch (e) {
        try {
          links.deleteLink(s, v.name, what);
        } catch {
          // gone already
        }
        throw e;
      }
    }
    case "setLink":
      return links.setLink(s, ns, o.name, o, what);
    case "deleteLink":
      links.deleteLink(s, o.name, what);
      return true;
    case "setBridgePort":
      return links.setBridgePort(s, o.name, o, what);
    case "setPortVlans":
      return l3.setPortVlans(s, links.indexOf(s, o.name, what), o, what);
    case "addAddr":
      return l3.addAddr(s, links.indexOf(s, o.dev, what), o, what);
    case "delAddr":
      l3.delAddr(s, links.indexOf(s, o.dev, what), o.cidr, what);
      return true;
    case "addRoute":
    case "replaceRoute":
    case "delRoute": {
      const r = o as CheckedRoute;
      l3.changeRoute(s, o.op === "addRoute" ? "add" : o.op === "replaceRoute" ? "replace" : "del", r, r.dev === undefined ? undefined : links.indexOf(s, r.dev, what), what);
      return o.op === "delRoute" ? true : undefined;
    }
    case "getLink":
      return links.getLink(s, o.name, what);
    case "listLinks":
      return links.listLinks(s, what).filter((l) => matchLink(l, o));
    case "listAddrs": {
      // One device: its index names the addresses to keep, no dump of every link.
      const names = o.dev === undefined ? new Map(links.listLinks(s, what).map((l) => [l.index, l.name])) : new Map([[links.indexOf(s, o.dev, what), o.dev]]);
      return l3.listAddrs(s, names, what).filter((a) => (o.dev === undefined || a.ifname === o.dev) && (o.family === undefined || a.family === o.family));
    }
    case "listRoutes": {
      const names = new Map(links.listLinks(s, what).map((l) => [l.index, l.name]));
      return l3.listRoutes(s, names, what).filter((r) => matchRoute(r, o as RouteFilter));
    }
    case "listPortVlans":
      return l3.listPortVlans(s, links.indexOf(s, o.name, what), what);
  }
}

/** The kernel's refusal as the NetError both backends give: its extended-ACK text in ip's words, else strerror's. */
export function netError(e: NetlinkError, op: NetOp, index: number, ns: Netns): NetError {
  const reason = e.extack ? (e.extack.endsWith(".") ? e.extack : `${e.extack}.`) : errnoText(e.errno);
  const what = describeOp(op);
  return new NetError({
    op: what, index, reason, errno: errnoName(e.errno),
    failure: classify(reason, e.extack ? undefined : errnoName(e.errno)),
    details: `netlink request: ${what}\nnetns: ${ns.path || "(own)"}\nerrno: ${errnoName(e.errno)} (${e.errno})${e.extack ? `\nkernel: ${e.extack}` : ""}`,
  });
}

export const netlinkBackend: Backend = {
  name: "netlink",
  async run(ns, ops): Promise<PlanRun> {
    const plan = await ops;
    const results: unknown[] = [];
    if (plan.length === 0) return { results };
    const s = (await Rtnl.open(ns.path))!;
    try {
      for (const [i, o] of plan.entries()) {
        try {
          results.push(runOp(s, ns, o, describeOp(o)));
        } catch (e) {
          if (e instanceof NetlinkError) return { results, error: netError(e, o, i, ns) };
          throw e;
        }
      }
      return { results };
    } finally {
      s.close();
    }
  },
};
