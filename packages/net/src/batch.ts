import { runBatch } from "./ipcmd.js";
import { linkDelArgs, linkSetArgs, type LinkChanges } from "./link.js";
import { bridgeAddArgs, bridgePortArgs, type BridgeOptions, type BridgePortFlags } from "./bridge.js";
import { vethAddArgs, type VethOptions } from "./veth.js";
import { addrArgs, type AddrOptions } from "./addr.js";
import { routeArgs, type Route } from "./route.js";
import type { Netns } from "./netns.js";

/**
 * Collects the `ip` commands of one phase and runs them in one `ip -batch -` exec
 * (it stops at the first failing command). Arguments are validated when added.
 *
 *   const b = ipBatch(ns); b.addr("eth0", "10.1.0.2/24"); b.link("eth0", { up: true });
 *   b.route({ dst: "default", via: "10.1.0.1" }); await b.run();
 */
export class IpBatch {
  readonly ns: Netns;
  readonly cmds: string[][] = [];
  constructor(ns: Netns) {
    this.ns = ns;
  }
  get size(): number {
    return this.cmds.length;
  }
  /** Any `ip` command, as its argv without "ip". */
  raw(args: string[]): this {
    this.cmds.push(args);
    return this;
  }
  link(name: string, c: LinkChanges): this {
    return this.raw(linkSetArgs(name, c));
  }
  delLink(name: string): this {
    return this.raw(linkDelArgs(name));
  }
  bridge(o: BridgeOptions): this {
    return this.raw(bridgeAddArgs(o));
  }
  port(name: string, f: BridgePortFlags): this {
    return this.raw(bridgePortArgs(name, f));
  }
  /** veth with explicit names (random names need createVeth's retry). */
  veth(o: VethOptions & { name: string }): this {
    return this.raw(vethAddArgs(o.name, o));
  }
  addr(dev: string, cidr: string, o?: AddrOptions, op: "add" | "replace" | "del" = "add"): this {
    return this.raw(addrArgs(op, dev, cidr, o));
  }
  route(r: Route, op: "add" | "replace" | "del" = "add"): this {
    return this.raw(routeArgs(op, r));
  }
  /** Run all commands (no exec when empty) and clear the list. */
  async run(): Promise<void> {
    const cmds = this.cmds.splice(0);
    await runBatch(this.ns, "ip", cmds);
  }
}

export const ipBatch = (ns: Netns): IpBatch => new IpBatch(ns);
