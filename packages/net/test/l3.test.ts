import { afterEach, describe, expect, it } from "vitest";
import { execFileSync } from "node:child_process";
import { fileURLToPath } from "node:url";
import {
  openNetns, addAddr, delAddr, listAddrs, addRoute, replaceRoute, delRoute, listRoutes, setSysctls, getSysctl, ifSysctl,
  announceSysctls, ipBatch, createVeth, ensureBridge, getLink, execStats, resetExecStats, ExecError, type Netns,
} from "../src/index.js";
import { CniError } from "@tscni/types";
import { cleanupAll, leftoverNetns, newNetns } from "./sandbox.js";

afterEach(() => {
  cleanupAll();
  expect(leftoverNetns()).toEqual([]);
});

async function rejection(p: Promise<unknown>): Promise<unknown> {
  return p.then(() => { throw new Error("expected a rejection"); }, (e: unknown) => e);
}

/** A host netns with bridge tnbr0 and a container netns with eth0 on it. */
async function pair(): Promise<{ host: Netns; cont: Netns }> {
  const host = await openNetns(newNetns().path);
  const cont = await openNetns(newNetns().path);
  await ensureBridge(host, { name: "tnbr0" });
  await createVeth(host, { name: "tnh0", peerName: "eth0", peerNetns: cont, master: "tnbr0", up: true });
  return { host, cont };
}

describe("addresses", () => {
  it("adds v4 and v6 (nodad) addresses, lists and deletes them", async () => {
    const { cont } = await pair();
    await addAddr(cont, "eth0", "10.99.0.2/24");
    await addAddr(cont, "eth0", "fd99::2/64", { nodad: true });
    const addrs = await listAddrs(cont, "eth0");
    expect(addrs.filter((a) => a.scope === "global").map((a) => a.cidr).sort()).toEqual(["10.99.0.2/24", "fd99::2/64"]);
    expect(addrs.find((a) => a.cidr === "fd99::2/64")?.tentative).toBe(false); // nodad: usable at once
    expect((await listAddrs(cont, "eth0", 4)).map((a) => a.cidr)).toEqual(["10.99.0.2/24"]);
    const dup = await rejection(addAddr(cont, "eth0", "10.99.0.2/24"));
    expect((dup as ExecError).failure).toBe("exists");
    expect(await delAddr(cont, "eth0", "10.99.0.2/24")).toBe(true);
    expect(await delAddr(cont, "eth0", "10.99.0.2/24")).toBe(false);
    expect((await listAddrs(cont, "eth0", 4))).toEqual([]);
    expect(await listAddrs(cont, "tn-nodev")).toEqual([]);
    expect(((await rejection(addAddr(cont, "eth0", "10.99.0.2/24; rm"))) as CniError).code).toBe(7);
  });
});

describe("routes", () => {
  it("adds default via gateway, dst with scope/src/mtu/metric, table routes; replaces, lists, deletes", async () => {
    const { cont } = await pair();
    const b = ipBatch(cont);
    b.addr("eth0", "10.99.0.2/24").addr("eth0", "fd99::2/64", { nodad: true }).link("eth0", { up: true });
    await b.run();
    await addRoute(cont, { dst: "default", via: "10.99.0.1" });
    await addRoute(cont, { dst: "default", via: "fd99::1", dev: "eth0" });
    await addRoute(cont, { dst: "192.168.50.0/24", dev: "eth0", scope: "link", src: "10.99.0.2", mtu: 1400, metric: 50 });
    await addRoute(cont, { dst: "172.16.0.0/16", via: "10.99.0.1", table: 100 });
    const v4 = await listRoutes(cont);
    expect(v4.find((r) => r.dst === "default")?.gateway).toBe("10.99.0.1");
    const r50 = v4.find((r) => r.dst === "192.168.50.0/24");
    expect([r50?.scope, r50?.prefsrc, r50?.metric, r50?.metrics?.[0]?.mtu]).toEqual(["link", "10.99.0.2", 50, 1400]);
    expect((await listRoutes(cont, { family: 6 })).find((r) => r.dst === "default")?.gateway).toBe("fd99::1");
    expect((await listRoutes(cont, { table: 100 })).map((r) => [r.dst, r.gateway])).toEqual([["172.16.0.0/16", "10.99.0.1"]]);
    const dup = await rejection(addRoute(cont, { dst: "default", via: "10.99.0.1" }));
    expect((dup as ExecError).failure).toBe("exists");
    await replaceRoute(cont, { dst: "default", via: "10.99.0.254" });
    expect((await listRoutes(cont)).filter((r) => r.dst === "default").map((r) => r.gateway)).toEqual(["10.99.0.254"]);
    expect(await delRoute(cont, { dst: "default", via: "10.99.0.254" })).toBe(true);
    expect(await delRoute(cont, { dst: "default", via: "10.99.0.254" })).toBe(false);
    expect(await delRoute(cont, { dst: "172.16.0.0/16", table: 100 })).toBe(true);
    expect(await listRoutes(cont, { table: 100 })).toEqual([]);
    const unreachable = await rejection(addRoute(cont, { dst: "default", via: "10.200.0.1" }));
    expect(unreachable).toBeInstanceOf(ExecError);
  });
});

describe("sysctls", () => {
  it("writes and reads sysctls inside a netns, many keys in one exec, dotted ifnames", async () => {
    const { host, cont } = await pair();
    resetExecStats();
    await setSysctls(host, { "net.ipv4.ip_forward": 1, "net.ipv6.conf.all.forwarding": 1, [ifSysctl(4, "tnbr0", "arp_notify")]: 1 });
    expect(execStats().execs).toBe(1);
    expect(await getSysctl(host, "net.ipv4.ip_forward")).toBe("1");
    expect(await getSysctl(host, "net/ipv6/conf/all/forwarding")).toBe("1");
    expect(await getSysctl(cont, "net.ipv4.ip_forward")).toBe("0"); // per netns
    // an interface name with a dot needs the "/" form
    await ensureBridge(host, { name: "tnbr0.5" });
    await setSysctls(host, { [ifSysctl(6, "tnbr0.5", "accept_dad")]: 0, ...announceSysctls("tnbr0.5") });
    expect(await getSysctl(host, ifSysctl(6, "tnbr0.5", "accept_dad"))).toBe("0");
    expect(await getSysctl(host, ifSysctl(4, "tnbr0.5", "arp_notify"))).toBe("1");
    expect(await getSysctl(host, ifSysctl(6, "tnbr0.5", "ndisc_notify"))).toBe("1");
    await expect(setSysctls(host, { "net.ipv4.conf.tn-nodev.arp_notify": 1 })).rejects.toBeInstanceOf(ExecError);
    await setSysctls(host, { "net.ipv4.conf.tn-nodev.arp_notify": 1, "net.ipv4.conf.all.arp_notify": 1 }, { ignoreMissing: true });
    expect(await getSysctl(host, "net.ipv4.conf.all.arp_notify")).toBe("1");
    expect(((await rejection(setSysctls(host, { "../../etc/passwd": 1 }))) as CniError).code).toBe(7);
  });

  it("keys known later (a promise): one exec started at once, fed when they resolve", async () => {
    const { host } = await pair();
    resetExecStats();
    const later = new Promise<Record<string, number>>((r) => setTimeout(() => r({ "net.ipv4.ip_forward": 1, [ifSysctl(4, "lo", "arp_notify")]: 1 }), 50));
    await setSysctls(host, later);
    expect(execStats().execs).toBe(1);
    expect(await getSysctl(host, "net.ipv4.ip_forward")).toBe("1");
    expect(await getSysctl(host, ifSysctl(4, "lo", "arp_notify"))).toBe("1");
    await expect(setSysctls(host, Promise.resolve({ "net.ipv4.conf.tn-nodev.arp_notify": 1 }))).rejects.toBeInstanceOf(ExecError);
    await setSysctls(host, Promise.resolve({ "net.ipv4.conf.tn-nodev.arp_notify": 1, "net.ipv4.conf.all.arp_notify": 1 }), { ignoreMissing: true });
    expect(await getSysctl(host, "net.ipv4.conf.all.arp_notify")).toBe("1");
    // a rejected promise rejects the call; a value cannot smuggle in another line
    await expect(setSysctls(host, Promise.reject(new Error("link not created")))).rejects.toThrow("link not created");
    expect(((await rejection(setSysctls(host, Promise.resolve({ "net.ipv4.ip_forward": "0\nnet.ipv4.conf.all.arp_notify = 0" })))) as CniError).code).toBe(7);
    expect(await getSysctl(host, "net.ipv4.conf.all.arp_notify")).toBe("1");
  });

  it("writes /proc/sys directly (no exec) in the process's own netns", () => {
    // run the current-netns path in a child that lives in a throwaway netns
    const t = newNetns();
    const script = fileURLToPath(new URL("./fixtures/own-netns-sysctl.ts", import.meta.url));
    const out = execFileSync("ip", ["netns", "exec", t.name, process.execPath, "--import", "tsx", script], { encoding: "utf8" });
    expect(JSON.parse(out)).toEqual({ forward: "1", execs: 0 });
  });
});

describe("ip batch", () => {
  it("runs a phase in one exec and names the failing command", async () => {
    const { host, cont } = await pair();
    resetExecStats();
    const b = ipBatch(cont);
    b.addr("eth0", "10.99.0.2/24").addr("eth0", "fd99::2/64", { nodad: true }).link("eth0", { up: true, mtu: 1400 });
    b.route({ dst: "default", via: "10.99.0.1" }).route({ dst: "default", via: "fd99::1" });
    expect(b.size).toBe(5);
    await b.run();
    expect(execStats()).toEqual({ execs: 1, byProgram: { ip: 1 } });
    expect(b.size).toBe(0);
    expect((await getLink(cont, "eth0"))?.mtu).toBe(1400);
    expect((await listRoutes(cont, { family: 6 })).some((r) => r.dst === "default" && r.gateway === "fd99::1")).toBe(true);
    await ipBatch(cont).run(); // empty: no exec
    const hb = ipBatch(host).bridge({ name: "tnbr2" }).port("tnh0", { hairpin: true }).link("tnbr2", { up: true });
    await hb.run();
    expect((await getLink(host, "tnh0"))?.linkinfo?.info_slave_data?.["hairpin"]).toBe(true);
    const bad = ipBatch(cont).addr("eth0", "10.98.0.2/24").addr("eth0", "10.99.0.2/24").addr("eth0", "10.97.0.2/24");
    const e = (await rejection(bad.run())) as ExecError;
    expect(e.failure).toBe("exists");
    expect(e.argv).toEqual(["ip", "-n", cont.name, "addr", "add", "10.99.0.2/24", "dev", "eth0"]);
    const addrs = (await listAddrs(cont, "eth0", 4)).map((a) => a.cidr);
    expect(addrs).toContain("10.98.0.2/24"); // ran before the failure
    expect(addrs).not.toContain("10.97.0.2/24"); // stopped at it
  });
});
