import { existsSync, readdirSync } from "node:fs";
import { join, relative } from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { createSandbox, type Sandbox } from "@tscni/testing";
import { call, conf, hasLink, links, nftRuleset, ports } from "./helpers.js";

// Fixes for the hardening suite's findings 2, 4 and 5 (test/hardening/README.md).
let sb: Sandbox;
beforeEach(async () => (sb = await createSandbox({ prefix: "tbf-" })));
afterEach(async () => sb?.cleanup());

const stateFiles = (kind: string) => {
  const d = join(sb.tmpDir, "state", kind);
  return existsSync(d) ? readdirSync(d) : [];
};
const reservations = () => {
  const d = join(sb.tmpDir, "ipam", "tbrnet");
  return existsSync(d) ? readdirSync(d).filter((f) => /^\d/.test(f)) : [];
};
const containerLinks = async () => (await links(sb, sb.container)).map((l: any) => l.ifname).filter((n: string) => n !== "lo");
const errOf = (r: { json?: unknown }) => r.json as { code: number; msg: string; details?: string };
const masqConf = (extra: Record<string, unknown> = {}) => conf(sb, { ipMasq: true, ipMasqBackend: "nftables", ...extra });
/** A config host-local rejects ("ranges" holds a null set) but whose first subnet the bridge can read. */
const rejectedIpam = () => {
  const c = masqConf();
  (c.ipam as any).ranges = [[{ subnet: "10.88.0.0/24" }], null];
  return c;
};

describe("DEINIT and GC release our state whatever IPAM answers (finding 2)", () => {
  it("a failed lazy ADD's bridge, gateway, masquerade and records go with DEINIT of the same config", async () => {
    const c = rejectedIpam();
    const add = await call(sb, "ADD", c);
    expect(add.exitCode).toBe(1);
    // The lazy setup ran before IPAM refused: shared state exists.
    expect(await hasLink(sb, sb.host, "tbr0")).toBe(true);
    expect(await nftRuleset(sb)).toContain("10.88.0.0/24");
    expect(stateFiles("networks")).toEqual(["tbrnet.json"]);

    const r = await call(sb, "DEINIT", c);
    expect(r.exitCode).toBe(1);
    expect(errOf(r).code).toBe(7); // IPAM's answer is still reported
    expect(await hasLink(sb, sb.host, "tbr0")).toBe(false);
    expect(await nftRuleset(sb)).not.toContain("10.88.0.0/24");
    expect(stateFiles("networks")).toEqual([]);
    expect(stateFiles("bridges")).toEqual([]);
  });

  it("GC deletes stale veths even when IPAM's GC fails, then reports IPAM's error", async () => {
    const good = masqConf();
    expect((await call(sb, "ADD", good, { containerId: "stale" })).exitCode).toBe(0);
    expect(await ports(sb)).toHaveLength(1);
    const r = await call(sb, "GC", { ...rejectedIpam(), "cni.dev/valid-attachments": [] });
    expect(r.exitCode).toBe(1);
    expect(errOf(r).code).toBe(7);
    expect(await ports(sb)).toEqual([]);
  });
});

describe("long container IDs (finding 4)", () => {
  const longId = "c".repeat(300);

  it("ADD with a 300-char container ID works, its alias fits, GC matches it by the same hash, DEL cleans up", async () => {
    const c = conf(sb);
    const r = await call(sb, "ADD", c, { containerId: longId });
    expect(r.exitCode, r.stdout).toBe(0);
    const [port] = await ports(sb);
    expect(port).toBeDefined();
    const [link] = await links(sb, sb.host, ["dev", port!]);
    expect(Buffer.byteLength(link.ifalias)).toBeLessThanOrEqual(255);
    expect(link.ifalias).toMatch(/^tscni\/tbrnet\/~[0-9a-f]+\/eth0$/);

    // Valid: kept. A different long ID (same prefix) is not confused with it.
    const keep = await call(sb, "GC", { ...c, "cni.dev/valid-attachments": [{ containerID: longId, ifname: "eth0" }] });
    expect(keep.exitCode, keep.stdout).toBe(0);
    expect(await ports(sb)).toEqual([port]);
    const other = await call(sb, "GC", { ...c, "cni.dev/valid-attachments": [{ containerID: longId + "d", ifname: "eth0" }] });
    expect(other.exitCode, other.stdout).toBe(0);
    expect(await ports(sb)).toEqual([]);

    expect((await call(sb, "ADD", c, { containerId: longId })).exitCode).toBe(0);
    expect((await call(sb, "DEL", c, { containerId: longId })).exitCode).toBe(0);
    expect(await ports(sb)).toEqual([]);
    expect(await containerLinks()).toEqual([]);
    expect(reservations()).toEqual([]);
  });

  it("a container ID that just fits keeps its literal alias", async () => {
    const id = "k".repeat(255 - "tscni/tbrnet//eth0".length);
    expect((await call(sb, "ADD", conf(sb), { containerId: id })).exitCode).toBe(0);
    const [link] = await links(sb, sb.host, ["dev", (await ports(sb))[0]!]);
    expect(link.ifalias).toBe(`tscni/tbrnet/${id}/eth0`);
  });
});

describe("clear errors instead of 999 (finding 5)", () => {
  it.each([
    // relative to our cwd (which the plugin inherits) but inside the sandbox, should a bug follow it
    ["relative", () => relative(process.cwd(), join(sb.tmpDir, "rel"))],
    ["300-char component", () => join(sb.tmpDir, "s".repeat(300))],
  ])("a %s stateDir is code 7 naming the key, and nothing is done", async (_, stateDir) => {
    const r = await call(sb, "ADD", conf(sb, { stateDir: stateDir() }));
    expect(r.exitCode).toBe(1);
    expect(errOf(r).code).toBe(7);
    expect(errOf(r).msg).toContain("stateDir");
    expect(await hasLink(sb, sb.host, "tbr0")).toBe(false);
    expect(await containerLinks()).toEqual([]);
    expect(reservations()).toEqual([]);
  });

  it("a route whose gateway is not on-link is code 7 with ip's words, and the attachment is undone", async () => {
    const c = conf(sb);
    (c.ipam as any).routes = [{ dst: "10.99.0.0/16", gw: "10.200.0.1" }];
    const r = await call(sb, "ADD", c);
    expect(r.exitCode).toBe(1);
    expect(errOf(r).code).toBe(7);
    expect(errOf(r).msg).toMatch(/invalid IPAM result\/config: .*10\.99\.0\.0\/16.*(Nexthop has invalid gateway|unreachable)/i);
    expect(await ports(sb)).toEqual([]);
    expect(await containerLinks()).toEqual([]);
    expect(reservations()).toEqual([]);
  });
});
