import { netnsTarget, type Netns } from "../netns.js";
import { linkSetWords, portWords, routeWords, trunkRanges, type BridgePortFlags, type NetOp } from "../ops.js";

/** The commands one (checked) operation takes: for `ip` or for `bridge`, and how many print JSON. */
export interface OpLines {
  prog: "ip" | "bridge";
  lines: string[][];
  /** How many of the lines print one JSON line each (the reads, at the end). */
  shows: number;
}

/** Every read goes through `addr show`: it prints the link with its addresses, and a batch's `link show` breaks later `addr show` lines. */
const show = (name: string) => ["addr", "show", "dev", name];

/** `netns` argument for a link that must end up in `to`, seen from `from`; none when they are the same. */
function netnsArg(from: Netns, to: Netns): string[] {
  return to.path === from.path ? [] : ["netns", netnsTarget(to)];
}

function portLine(name: string, f: BridgePortFlags): string[] | undefined {
  const w = portWords(name, f);
  return w.length > 6 ? w : undefined;
}

export function opLines(ns: Netns, o: NetOp): OpLines {
  const ip = (lines: string[][], shows = 0): OpLines => ({ prog: "ip", lines, shows });
  switch (o.op) {
    case "createBridge": {
      const add = ["link", "add", "name", o.name];
      if (o.mac !== undefined) add.push("address", o.mac);
      if (o.mtu !== undefined) add.push("mtu", String(o.mtu));
      add.push("type", "bridge");
      if (o.vlanFiltering) add.push("vlan_filtering", "1");
      const set = ["link", "set", "dev", o.name];
      if (o.promisc) set.push("promisc", "on");
      if (o.up) set.push("up");
      return ip([add, ...(set.length > 4 ? [set] : []), show(o.name)], 1);
    }
    case "createVeth": {
      const name = o.name!;
      const add = ["link", "add", "name", name];
      if (o.mtu !== undefined) add.push("mtu", String(o.mtu));
      if (o.mac !== undefined) add.push("address", o.mac);
      add.push("type", "veth", "peer", "name", o.peerName);
      if (o.mtu !== undefined) add.push("mtu", String(o.mtu));
      if (o.peerMac !== undefined) add.push("address", o.peerMac);
      add.push(...netnsArg(ns, o.peerNetns));
      const set = ["link", "set", "dev", name];
      if (o.master !== undefined) set.push("master", o.master);
      if (o.alias !== undefined) set.push("alias", o.alias);
      if (o.up) set.push("up");
      const port = o.port && portLine(name, o.port);
      return ip([add, ...(set.length > 4 ? [set] : []), ...(port ? [port] : []), show(name)], 1);
    }
    case "setLink": {
      const w = linkSetWords(o.name, o, (to) => netnsArg(ns, to));
      return ip(w.length > 4 ? [w] : []);
    }
    case "deleteLink":
      return ip([["link", "del", "dev", o.name]]);
    case "setBridgePort": {
      const w = portLine(o.name, o);
      return ip(w ? [w] : []);
    }
    case "setPortVlans": {
      const lines: string[][] = [];
      if (o.removeDefault) lines.push(["vlan", "del", "dev", o.name, "vid", "1"]);
      if (o.pvid !== undefined) lines.push(["vlan", "add", "dev", o.name, "vid", String(o.pvid), "pvid", "untagged", "master"]);
      for (const [a, b] of trunkRanges(o.trunk)) lines.push(["vlan", "add", "dev", o.name, "vid", a === b ? String(a) : `${a}-${b}`, "master"]);
      return { prog: "bridge", lines, shows: 0 };
    }
    case "addAddr": {
      const w = ["addr", "add", o.cidr, "dev", o.dev];
      if (o.scope !== undefined) w.push("scope", o.scope);
      if (o.nodad && o.cidr.includes(":")) w.push("nodad");
      return ip([w]);
    }
    case "delAddr":
      return ip([["addr", "del", o.cidr, "dev", o.dev]]);
    case "addRoute":
      return ip([routeWords("add", o)]);
    case "replaceRoute":
      return ip([routeWords("replace", o)]);
    case "delRoute":
      return ip([routeWords("del", o)]);
    case "getLink":
      return ip([show(o.name)], 1);
    case "listLinks": {
      const w = ["addr", "show"];
      if (o.master !== undefined) w.push("master", o.master);
      if (o.kind !== undefined) w.push("type", o.kind);
      return ip([w], 1);
    }
    case "listAddrs":
      return ip([o.dev !== undefined ? show(o.dev) : ["addr", "show"]], 1);
    case "listRoutes":
      return ip([["route", "show", "table", "all"]], 1);
    case "listPortVlans":
      return { prog: "bridge", lines: [["vlan", "show", "dev", o.name]], shows: 1 };
  }
}
