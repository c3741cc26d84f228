import { describe, expect, it, afterEach } from "vitest";
import { existsSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { canConnect, createSandbox, exec, leftovers, withSandbox, type Sandbox } from "../src/index.js";
import { nodeTs } from "../repo/index.js";

const PREFIX = "tb-sb";
const here = fileURLToPath(new URL(".", import.meta.url));
const root = join(here, "../../..");

describe("sandbox", () => {
  let sb: Sandbox | undefined;
  afterEach(async () => {
    await sb?.cleanup();
    sb = undefined;
    expect(leftovers(PREFIX)).toEqual({ netns: [], mounts: [], tmpDirs: [] });
  });

  it("creates host and container netns with lo up and passes traffic over a veth", async () => {
    sb = await createSandbox({ prefix: PREFIX, containers: 2 });
    expect(sb.host.name.startsWith(PREFIX)).toBe(true);
    expect(sb.containers).toHaveLength(2);
    expect(sb.container).toBe(sb.containers[0]);
    expect(sb.host.path).toBe(`/var/run/netns/${sb.host.name}`);
    expect(existsSync(sb.host.path)).toBe(true);
    expect(existsSync(sb.tmpDir)).toBe(true);
    const names = new Set([sb.host.name, ...sb.containers.map((c) => c.name)]);
    expect(names.size).toBe(3);

    const lo = await sb.run(sb.container, ["ip", "-json", "link", "show", "lo"]);
    expect(JSON.parse(lo.stdout)[0].flags).toContain("UP");

    // veth host<->container, addresses on both ends, ping across.
    await sb.run(sb.host, ["ip", "link", "add", "v0", "type", "veth", "peer", "name", "v1", "netns", sb.container.name]);
    await sb.run(sb.host, ["ip", "addr", "add", "10.99.0.1/24", "dev", "v0"]);
    await sb.run(sb.host, ["ip", "link", "set", "v0", "up"]);
    await sb.run(sb.container, ["ip", "addr", "add", "10.99.0.2/24", "dev", "v1"]);
    await sb.run(sb.container, ["ip", "link", "set", "v1", "up"]);
    expect(await canConnect(sb.container, sb.host, "10.99.0.1")).toBe(true);
    expect(await canConnect(sb.host, sb.container, "10.99.0.2")).toBe(true);
    // Nothing listens in a namespace that has no such address.
    expect(await canConnect(sb.containers[1]!, sb.host, "10.99.0.1", 500)).toBe(false);
    // Not in the other container.
    const none = await sb.run(sb.containers[1]!, ["ip", "link", "show", "v1"], { check: false });
    expect(none.exitCode).not.toBe(0);

    expect(leftovers(PREFIX).netns.sort()).toEqual([...names].sort());
  });

  it("run throws with stderr on failure unless check is false", async () => {
    sb = await createSandbox({ prefix: PREFIX });
    await expect(sb.run(sb.host, ["ip", "link", "show", "nope0"])).rejects.toThrow(/nope0/);
    const r = await sb.run(sb.host, ["ip", "link", "show", "nope0"], { check: false });
    expect(r.exitCode).not.toBe(0);
  });

  it("addNetns adds a removable container netns", async () => {
    sb = await createSandbox({ prefix: PREFIX, containers: 0 });
    expect(sb.containers).toHaveLength(0);
    const ns = await sb.addNetns();
    expect(sb.containers).toEqual([ns]);
    expect(existsSync(ns.path)).toBe(true);
  });

  it("withSandbox cleans up when the callback throws", async () => {
    let seen: string[] = [];
    await expect(
      withSandbox(PREFIX, async (s) => {
        seen = [s.host.name, s.container.name, s.tmpDir];
        writeFileSync(join(s.tmpDir, "state"), "x");
        throw new Error("boom");
      }),
    ).rejects.toThrow("boom");
    expect(seen).toHaveLength(3);
    expect(existsSync(`/var/run/netns/${seen[0]}`)).toBe(false);
    expect(existsSync(seen[2]!)).toBe(false);
  });

  it("withSandbox returns the callback's value", async () => {
    expect(await withSandbox(PREFIX, async (s) => s.prefix)).toBe(PREFIX);
  });

  // A process that exits (or is terminated) without calling cleanup must not leak.
  for (const how of ["exit", "SIGTERM", "throw"] as const) {
    it(`cleans up on process ${how}`, async () => {
      const script = join(here, "fixtures/sandbox-abandon.ts");
      const r = await exec(nodeTs(script, PREFIX, how), { cwd: root });
      expect(r.stdout).toMatch(/^created /);
      const created = r.stdout.trim().split(" ").slice(1);
      expect(created.length).toBe(3);
      for (const p of created) expect(existsSync(p)).toBe(false);
    });
  }
});
