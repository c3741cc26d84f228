import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { createSandbox, type Sandbox } from "@tscni/testing";
import { addrs, call, conf, hasLink, nftRuleset, ports } from "./helpers.js";

let sb: Sandbox;
beforeEach(async () => (sb = await createSandbox({ prefix: "tbr-" })));
afterEach(async () => sb?.cleanup());

const record = (kind: string, name: string) => {
  const p = join(sb.tmpDir, "state", kind, `${name}.json`);
  return existsSync(p) ? JSON.parse(readFileSync(p, "utf8")) : undefined;
};
const masqConf = (extra: Record<string, unknown> = {}, subnet?: string, name?: string) => conf(sb, { ipMasq: true, ipMasqBackend: "nftables", ...extra }, subnet, name);

describe("INIT / DEINIT", () => {
  it("INIT creates bridge, gateway, forwarding and masquerade before any ADD; DEINIT removes them", async () => {
    const c = masqConf();
    const r = await call(sb, "INIT", c);
    expect(r.exitCode, r.stdout).toBe(0);
    expect(r.stdout).toBe("");
    expect(await addrs(sb, sb.host, "tbr0")).toEqual(["10.88.0.1/24"]);
    expect((await sb.run(sb.host, ["sysctl", "-n", "net.ipv4.ip_forward"])).stdout.trim()).toBe("1");
    expect(await nftRuleset(sb)).toContain("ip saddr 10.88.0.0/24 ip daddr != 10.88.0.0/24 masquerade");
    expect(record("bridges", "tbr0")).toEqual({ created: true, claims: ["tbrnet"] });
    // INIT is idempotent.
    expect((await call(sb, "INIT", c)).exitCode).toBe(0);
    expect(await addrs(sb, sb.host, "tbr0")).toEqual(["10.88.0.1/24"]);
    expect((await call(sb, "DEINIT", c)).exitCode).toBe(0);
    expect(await hasLink(sb, sb.host, "tbr0")).toBe(false);
    expect(await nftRuleset(sb)).not.toContain("10.88.0.0/24");
    expect(record("networks", "tbrnet")).toBeUndefined();
    expect(record("bridges", "tbr0")).toBeUndefined();
    // DEINIT of an unknown network succeeds.
    expect((await call(sb, "DEINIT", c)).exitCode).toBe(0);
  });

  it("a lazy ADD (no INIT) leaves the same shared state INIT does", async () => {
    const c = masqConf();
    expect((await call(sb, "ADD", c)).exitCode).toBe(0);
    const lazy = { net: record("networks", "tbrnet"), br: record("bridges", "tbr0"), addrs: await addrs(sb, sb.host, "tbr0"), nft: await nftRuleset(sb) };
    expect((await call(sb, "INIT", c)).exitCode).toBe(0);
    expect({ net: record("networks", "tbrnet"), br: record("bridges", "tbr0"), addrs: await addrs(sb, sb.host, "tbr0"), nft: await nftRuleset(sb) }).toEqual(lazy);
  });

  it("two networks on one bridge: DEINIT of the first keeps it, of the last deletes it", async () => {
    const a = masqConf({}, "10.88.0.0/24", "neta");
    const b = masqConf({ isGateway: false }, "10.90.0.0/24", "netb");
    expect((await call(sb, "INIT", a)).exitCode).toBe(0);
    expect((await call(sb, "INIT", b)).exitCode).toBe(0);
    expect(record("bridges", "tbr0").claims).toEqual(["neta", "netb"]);
    expect((await call(sb, "DEINIT", a)).exitCode).toBe(0);
    expect(await hasLink(sb, sb.host, "tbr0")).toBe(true);
    expect(await addrs(sb, sb.host, "tbr0")).toEqual([]); // neta's gateway went with its claim
    const nft = await nftRuleset(sb);
    expect(nft).not.toContain("10.88.0.0/24");
    expect(nft).toContain("10.90.0.0/24");
    expect((await call(sb, "DEINIT", b)).exitCode).toBe(0);
    expect(await hasLink(sb, sb.host, "tbr0")).toBe(false);
  });

  it("a bridge that existed before INIT is adopted, and survives DEINIT", async () => {
    await sb.run(sb.host, ["ip", "link", "add", "tbr0", "type", "bridge"]);
    const c = masqConf();
    expect((await call(sb, "INIT", c)).exitCode).toBe(0);
    expect(record("bridges", "tbr0")).toEqual({ created: false, claims: ["tbrnet"] });
    expect((await call(sb, "DEINIT", c)).exitCode).toBe(0);
    expect(await hasLink(sb, sb.host, "tbr0")).toBe(true);
    expect(await addrs(sb, sb.host, "tbr0")).toEqual([]);
  });

  it("a bridge with a foreign port (admin-added) survives the last DEINIT", async () => {
    const c = masqConf();
    expect((await call(sb, "INIT", c)).exitCode).toBe(0);
    await sb.run(sb.host, ["ip", "link", "add", "tbrdummy", "type", "veth", "peer", "name", "tbrdummy2"]);
    await sb.run(sb.host, ["ip", "link", "set", "tbrdummy", "master", "tbr0"]);
    expect((await call(sb, "DEINIT", c)).exitCode).toBe(0);
    expect(await hasLink(sb, sb.host, "tbr0")).toBe(true);
    expect(await ports(sb)).toEqual(["tbrdummy"]);
    // Still recorded as ours: once the port is gone, a later INIT+DEINIT deletes it.
    expect(record("bridges", "tbr0")).toEqual({ created: true, claims: [] });
    await sb.run(sb.host, ["ip", "link", "del", "tbrdummy"]);
    expect((await call(sb, "INIT", c)).exitCode).toBe(0);
    expect((await call(sb, "DEINIT", c)).exitCode).toBe(0);
    expect(await hasLink(sb, sb.host, "tbr0")).toBe(false);
  });

  it("a changed config is a new instance: its INIT keeps what the old one holds; DEINIT of the old config releases only that", async () => {
    const a = masqConf({}, "10.88.0.0/24");
    const b = masqConf({}, "10.91.0.0/24");
    const c = conf(sb, { bridge: "tbr9" }, "10.91.0.0/24");
    expect((await call(sb, "INIT", a)).exitCode).toBe(0);
    expect((await call(sb, "INIT", b)).exitCode).toBe(0);
    // both gateways on the bridge (containers of the old config still route through theirs), both subnets masqueraded
    expect((await addrs(sb, sb.host, "tbr0")).sort()).toEqual(["10.88.0.1/24", "10.91.0.1/24"]);
    let nft = await nftRuleset(sb);
    expect(nft).toContain("10.88.0.0/24");
    expect(nft).toContain("10.91.0.0/24");
    expect(Object.keys(record("networks", "tbrnet").instances)).toHaveLength(2);
    // the old config's DEINIT releases its gateway and its subnet's rule, nothing of the new one
    expect((await call(sb, "DEINIT", a)).exitCode).toBe(0);
    expect(await addrs(sb, sb.host, "tbr0")).toEqual(["10.91.0.1/24"]);
    nft = await nftRuleset(sb);
    expect(nft).not.toContain("10.88.0.0/24");
    expect(nft).toContain("10.91.0.0/24");
    // a renamed bridge: the new config's INIT creates it, the old bridge stays while its config lives
    expect((await call(sb, "INIT", c)).exitCode).toBe(0);
    expect(await hasLink(sb, sb.host, "tbr0")).toBe(true);
    expect(await addrs(sb, sb.host, "tbr9")).toEqual(["10.91.0.1/24"]);
    expect(record("bridges", "tbr0")).toEqual({ created: true, claims: ["tbrnet"] });
    expect((await call(sb, "DEINIT", b)).exitCode).toBe(0);
    expect(await hasLink(sb, sb.host, "tbr0")).toBe(false); // ours, unclaimed
    expect(await nftRuleset(sb)).not.toContain("10.91.0.0/24"); // c does not masquerade
    expect(await addrs(sb, sb.host, "tbr9")).toEqual(["10.91.0.1/24"]);
    expect((await call(sb, "DEINIT", c)).exitCode).toBe(0);
    expect(await hasLink(sb, sb.host, "tbr9")).toBe(false);
    expect(record("networks", "tbrnet")).toBeUndefined();
  });

  it("ADD after the bridge was deleted behind our back recreates it", async () => {
    const c = masqConf();
    expect((await call(sb, "INIT", c)).exitCode).toBe(0);
    await sb.run(sb.host, ["ip", "link", "del", "tbr0"]);
    const r = await call(sb, "ADD", c);
    expect(r.exitCode, r.stdout).toBe(0);
    expect(await addrs(sb, sb.host, "tbr0")).toEqual(["10.88.0.1/24"]);
    expect(await ports(sb)).toHaveLength(1);
  });
});

describe("STATUS and GC", () => {
  it("STATUS is 0 normally and 50 when the bridge name is taken by a non-bridge", async () => {
    expect((await call(sb, "STATUS", conf(sb))).exitCode).toBe(0);
    await sb.run(sb.host, ["ip", "link", "add", "tbr0", "type", "veth", "peer", "name", "tbr0peer"]);
    const r = await call(sb, "STATUS", conf(sb));
    expect(r.exitCode).toBe(1);
    expect((r.json as any).code).toBe(50);
    // ...and ADD refuses it with a config error, leaving nothing behind.
    const a = await call(sb, "ADD", conf(sb));
    expect((a.json as any).code).toBe(7);
    expect(await hasLink(sb, sb.container, "eth0")).toBe(false);
  });

  it("GC removes host veths and reservations of attachments not in the valid list", async () => {
    const c = conf(sb);
    const n2 = await sb.addNetns("g");
    expect((await call(sb, "ADD", c, { containerId: "keep" })).exitCode).toBe(0);
    expect((await call(sb, "ADD", c, { containerId: "stale", netns: n2.path })).exitCode).toBe(0);
    expect(await ports(sb)).toHaveLength(2);
    const r = await call(sb, "GC", { ...c, "cni.dev/valid-attachments": [{ containerID: "keep", ifname: "eth0" }] });
    expect(r.exitCode, r.stdout).toBe(0);
    expect(await ports(sb)).toHaveLength(1);
    expect(await hasLink(sb, n2, "eth0")).toBe(false);
    expect(await hasLink(sb, sb.container, "eth0")).toBe(true);
    expect(existsSync(join(sb.tmpDir, "ipam", "tbrnet", "10.88.0.3"))).toBe(false);
    expect(existsSync(join(sb.tmpDir, "ipam", "tbrnet", "10.88.0.2"))).toBe(true);
  });

  it("GC without cni.dev/valid-attachments is a config error (code 7 naming the key) and removes nothing", async () => {
    const c = conf(sb);
    expect((await call(sb, "ADD", c)).exitCode).toBe(0);
    const r = await call(sb, "GC", c);
    expect(r.exitCode).toBe(1);
    expect(r.json).toMatchObject({ code: 7, msg: expect.stringContaining("cni.dev/valid-attachments") });
    expect(await ports(sb)).toHaveLength(1);
    expect(existsSync(join(sb.tmpDir, "ipam", "tbrnet", "10.88.0.2"))).toBe(true);
    // an empty list is a list: everything of this network goes
    expect((await call(sb, "GC", { ...c, "cni.dev/valid-attachments": [] })).exitCode).toBe(0);
    expect(await ports(sb)).toHaveLength(0);
  });
});
