import { readdirSync } from "node:fs";
import { join } from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { createSandbox, runExecutable, type Netns, type Sandbox } from "@tscni/testing";
import { call, CNI_PATH, conf, hasLink, OUR_BIN, ports } from "./helpers.js";

let sb: Sandbox;
beforeEach(async () => (sb = await createSandbox({ prefix: "tbk-" })));
afterEach(async () => sb?.cleanup());

const del = (stdin: object | string, extraEnv: Record<string, string> = {}) =>
  runExecutable(OUR_BIN, {
    env: { CNI_COMMAND: "DEL", CNI_PATH, CNI_CONTAINERID: "ctr1", CNI_IFNAME: "eth0", CNI_NETNS: sb.container.path, TSCNI_TRACE: "1", ...extraEnv },
    stdin,
    netns: sb.host.name,
  });

/** A DEL skel turned away: its code, no early deletion started, and `link` still there. */
async function refusedKeeping(r: Awaited<ReturnType<typeof del>>, codes: number[], ns: Netns, link: string): Promise<void> {
  expect(r.exitCode).toBe(1);
  expect(codes).toContain((r.json as any).code);
  expect(r.stderr).not.toContain("early link deletion started");
  expect(await hasLink(sb, ns, link)).toBe(true);
}

// DEL starts the container end's deletion from skel's early hook (early-del.ts), before the
// plugin's modules load; skel runs the hook only where it lets the call through.
describe("DEL's link deletion started by the early hook", () => {
  it("starts before the plugin loads and is the one del() uses", async () => {
    expect((await call(sb, "ADD", conf(sb))).exitCode).toBe(0);
    expect(await ports(sb)).toHaveLength(1);
    const r = await del(conf(sb));
    expect(r.exitCode, r.stdout + r.stderr).toBe(0);
    const lines = r.stderr.split("\n");
    const early = lines.findIndex((l) => l.includes("early link deletion started"));
    expect(early).toBeGreaterThanOrEqual(0);
    expect(early).toBeLessThan(lines.findIndex((l) => l.includes("plugin loaded")));
    expect(await hasLink(sb, sb.container, "eth0")).toBe(false);
    expect(await ports(sb)).toEqual([]);
  });

  it("stdin that is not a network config: decode error, nothing deleted", async () => {
    expect((await call(sb, "ADD", conf(sb))).exitCode).toBe(0);
    for (const bad of ["{not json", JSON.stringify({ cniVersion: "1.1.0" }), JSON.stringify({ ...conf(sb), name: "bad name" }), "[]"]) {
      await refusedKeeping(await del(bad), [6, 7], sb.container, "eth0");
    }
    expect((await del(conf(sb))).exitCode).toBe(0);
  });

  it("CNI_NETNS naming the plugin's own netns: refused (code 8), the host's link of that name kept", async () => {
    await sb.run(sb.host, ["ip", "link", "add", "tbkown0", "type", "veth", "peer", "name", "tbkown1"]);
    await refusedKeeping(await del(conf(sb), { CNI_NETNS: sb.host.path, CNI_IFNAME: "tbkown0" }), [8], sb.host, "tbkown0");
  });

  it("no container ID, or a container ID skel refuses: skel's code, nothing deleted", async () => {
    expect((await call(sb, "ADD", conf(sb))).exitCode).toBe(0);
    for (const env of [{ CNI_CONTAINERID: "" }, { CNI_CONTAINERID: "bad id!" }] as Array<Record<string, string>>) {
      await refusedKeeping(await del(conf(sb), env), [4], sb.container, "eth0");
    }
  });

  it("no CNI_PATH: skel lets DEL through, so the early deletion runs; IPAM's release answers code 4 naming CNI_PATH, and a DEL with it finishes", async () => {
    expect((await call(sb, "ADD", conf(sb))).exitCode).toBe(0);
    const r = await del(conf(sb), { CNI_PATH: "" });
    expect(r.exitCode).toBe(1);
    expect(r.json).toMatchObject({ code: 4, msg: expect.stringContaining("CNI_PATH") });
    expect(r.stderr).toContain("early link deletion started");
    expect(await hasLink(sb, sb.container, "eth0")).toBe(false);
    expect(readdirSync(join(sb.tmpDir, "ipam", "tbrnet")).filter((f) => /^\d/.test(f))).toEqual(["10.88.0.2"]);
    expect((await del(conf(sb))).exitCode).toBe(0);
    expect(readdirSync(join(sb.tmpDir, "ipam", "tbrnet")).filter((f) => /^\d/.test(f))).toEqual([]);
  });

  it("interface already gone, or an ifname the kernel would refuse: DEL still answers as before", async () => {
    expect((await del(conf(sb))).exitCode).toBe(0); // nothing was ever added
    const odd = await del(conf(sb), { CNI_IFNAME: "bad/name" });
    expect(odd.stderr).not.toContain("early link deletion started");
    expect(odd.exitCode).toBe(1);
    expect((odd.json as any).code).toBe(4);
  });
});
