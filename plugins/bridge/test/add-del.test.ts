import { spawn } from "node:child_process";
import { existsSync, readdirSync } from "node:fs";
import { join } from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { canConnect, createSandbox, type Sandbox } from "@tscni/testing";
import { addrs, call, conf, hasLink, json, links, OUR_BIN, OUR_NODE, ports } from "./helpers.js";

let sb: Sandbox;
beforeEach(async () => (sb = await createSandbox({ prefix: "tbr-", containers: 2 })));
afterEach(async () => sb?.cleanup());

const ipamFiles = (sb: Sandbox, net = "tbrnet") => {
  const d = join(sb.tmpDir, "ipam", net);
  return existsSync(d) ? readdirSync(d).filter((f) => /^\d|:/.test(f)) : [];
};

describe.each([["standalone", OUR_BIN], ["node", OUR_NODE]])("bridge ADD/DEL (%s)", (_t, bin) => {
  it("two containers on one bridge reach each other and the gateway; DEL removes all", async () => {
    const [c1, c2] = sb.containers as [typeof sb.container, typeof sb.container];
    const cfg = conf(sb, { isDefaultGateway: true });
    const r1 = await call(sb, "ADD", cfg, { bin, containerId: "a1", netns: c1.path });
    expect(r1.exitCode, r1.stdout + r1.stderr).toBe(0);
    const r2 = await call(sb, "ADD", cfg, { bin, containerId: "a2", netns: c2.path });
    expect(r2.exitCode, r2.stdout + r2.stderr).toBe(0);
    const res = r1.json as any;
    expect(res.cniVersion).toBe("1.1.0");
    expect(res.interfaces.map((i: any) => i.name)).toEqual(["tbr0", expect.stringMatching(/^veth[0-9a-f]{8}$/), "eth0"]);
    expect(res.interfaces[2].sandbox).toBe(c1.path);
    expect(res.ips).toEqual([{ interface: 2, address: "10.88.0.2/24", gateway: "10.88.0.1" }]);
    expect(res.routes).toEqual([{ dst: "0.0.0.0/0", gw: "10.88.0.1" }]);
    // What the result says is what the kernel has.
    const br = (await links(sb, sb.host, ["dev", "tbr0"]))[0];
    expect(res.interfaces[0].mac).toBe(br.address);
    const host = (await links(sb, sb.host, ["dev", res.interfaces[1].name]))[0];
    expect(host.master).toBe("tbr0");
    expect(res.interfaces[1].mac).toBe(host.address);
    expect((await links(sb, c1, ["dev", "eth0"]))[0].address).toBe(res.interfaces[2].mac);
    expect(await addrs(sb, sb.host, "tbr0")).toEqual(["10.88.0.1/24"]);
    expect(await addrs(sb, c1, "eth0")).toEqual(["10.88.0.2/24"]);
    expect((await json(sb, c1, ["ip", "-j", "route", "show", "default"]))[0].gateway).toBe("10.88.0.1");
    expect((await sb.run(sb.host, ["sysctl", "-n", "net.ipv4.ip_forward"])).stdout.trim()).toBe("1");
    expect(await ports(sb)).toHaveLength(2);

    expect(await canConnect(c1, c2, "10.88.0.3")).toBe(true);
    expect(await canConnect(c2, c1, "10.88.0.2")).toBe(true);
    expect(await canConnect(c1, sb.host, "10.88.0.1")).toBe(true);

    expect((await call(sb, "DEL", cfg, { bin, containerId: "a1", netns: c1.path })).exitCode).toBe(0);
    expect(await hasLink(sb, c1, "eth0")).toBe(false);
    expect(await ports(sb)).toHaveLength(1);
    expect(ipamFiles(sb)).toEqual(["10.88.0.3"]);
    // DEL is idempotent: interface and reservation already gone.
    expect((await call(sb, "DEL", cfg, { bin, containerId: "a1", netns: c1.path })).exitCode).toBe(0);
  });
});

describe("bridge ADD results", () => {
  it.each(["1.0.0", "0.4.0", "0.3.1", "0.3.0"])("answers in the shape of %s", async (v) => {
    const r = await call(sb, "ADD", { ...conf(sb), cniVersion: v });
    expect(r.exitCode, r.stdout).toBe(0);
    const res = r.json as any;
    expect(res.cniVersion).toBe(v);
    expect(res.interfaces).toHaveLength(3);
    expect(res.ips[0].address).toBe("10.88.0.2/24");
    expect(res.ips[0].interface).toBe(2);
    if (v.startsWith("0.")) expect(res.ips[0].version).toBe("4");
    else expect(res.ips[0]).not.toHaveProperty("version");
  });

  it("config dns replaces the IPAM's, as in Go", async () => {
    const r = await call(sb, "ADD", conf(sb, { dns: { nameservers: ["10.88.0.53"], search: ["svc.local"] } }));
    expect((r.json as any).dns).toEqual({ nameservers: ["10.88.0.53"], search: ["svc.local"] });
  });

  it("dual-stack: both families addressed, default routes for both, gateways on the bridge", async () => {
    const cfg = conf(sb, { isDefaultGateway: true });
    (cfg.ipam as any).ranges = [[{ subnet: "10.88.0.0/24" }], [{ subnet: "fd88::/64" }]];
    const r = await call(sb, "ADD", cfg);
    expect(r.exitCode, r.stdout).toBe(0);
    const res = r.json as any;
    expect(res.ips.map((i: any) => i.address)).toEqual(["10.88.0.2/24", "fd88::2/64"]);
    expect(res.routes).toEqual([{ dst: "0.0.0.0/0", gw: "10.88.0.1" }, { dst: "::/0", gw: "fd88::1" }]);
    expect(await addrs(sb, sb.container, "eth0")).toEqual(["10.88.0.2/24", "fd88::2/64"]);
    expect((await addrs(sb, sb.host, "tbr0")).sort()).toEqual(["10.88.0.1/24", "fd88::1/64"]);
    const r6 = await json(sb, sb.container, ["ip", "-6", "-j", "route", "show", "default"]);
    expect(r6[0].gateway).toBe("fd88::1");
    expect(await canConnect(sb.container, sb.host, "fd88::1")).toBe(true);
  });

  it("layer 2 only (no ipam): container end up without addresses; disableContainerInterface leaves it down", async () => {
    const { ipam: _i, ...l2 } = conf(sb, { isGateway: false });
    const r = await call(sb, "ADD", l2);
    expect(r.exitCode, r.stdout).toBe(0);
    expect((r.json as any).ips).toBeUndefined();
    expect((await links(sb, sb.container, ["dev", "eth0"]))[0].flags).toContain("UP");
    const r2 = await call(sb, "ADD", { ...l2, disableContainerInterface: true }, { containerId: "c2", netns: sb.containers[1]!.path });
    expect(r2.exitCode, r2.stdout).toBe(0);
    expect((await links(sb, sb.containers[1]!, ["dev", "eth0"]))[0].flags).not.toContain("UP");
  });

  it("works with a /proc/PID/ns/net netns path", async () => {
    const { spawn } = await import("node:child_process");
    const sleeper = spawn("ip", ["netns", "exec", sb.container.name, "sleep", "30"], { stdio: "ignore" });
    try {
      await new Promise((r) => setTimeout(r, 150));
      const r = await call(sb, "ADD", conf(sb), { netns: `/proc/${sleeper.pid}/ns/net` });
      expect(r.exitCode, r.stdout).toBe(0);
      expect(await addrs(sb, sb.container, "eth0")).toEqual(["10.88.0.2/24"]);
      expect((await call(sb, "DEL", conf(sb), { netns: `/proc/${sleeper.pid}/ns/net` })).exitCode).toBe(0);
      expect(await hasLink(sb, sb.container, "eth0")).toBe(false);
    } finally {
      sleeper.kill("SIGKILL");
    }
  });

  it("DEL with the netns path gone removes the host end even while the netns lives on", async () => {
    const ns = await sb.addNetns("held");
    expect((await call(sb, "ADD", conf(sb), { netns: ns.path })).exitCode).toBe(0);
    // A process keeps the namespace (and the container end of the veth) alive after its path goes.
    const holder = spawn("ip", ["netns", "exec", ns.name, "sleep", "60"], { stdio: "ignore" });
    try {
      await new Promise((r) => setTimeout(r, 200));
      await sb.run(sb.host, ["ip", "netns", "delete", ns.name], { check: false });
      expect(await ports(sb)).toHaveLength(1);
      const r = await call(sb, "DEL", conf(sb), { netns: ns.path });
      expect(r.exitCode, r.stdout).toBe(0);
      expect(await ports(sb)).toEqual([]);
      expect(ipamFiles(sb)).toEqual([]);
    } finally {
      holder.kill("SIGKILL");
    }
  });

  it("DEL succeeds when the netns is gone, and releases the reservation", async () => {
    const ns = await sb.addNetns("gone");
    expect((await call(sb, "ADD", conf(sb), { netns: ns.path })).exitCode).toBe(0);
    await sb.run(sb.host, ["ip", "netns", "delete", ns.name], { check: false });
    const { execOk } = await import("@tscni/testing");
    await execOk(["ip", "netns", "delete", ns.name]).catch(() => {});
    const r = await call(sb, "DEL", conf(sb), { netns: ns.path });
    expect(r.exitCode, r.stdout).toBe(0);
    expect(ipamFiles(sb)).toEqual([]);
    expect(await ports(sb)).toEqual([]);
    expect((await call(sb, "DEL", conf(sb), { netns: "" })).exitCode).toBe(0);
  });
});
