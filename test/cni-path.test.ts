// CNI_PATH is required only by plugins that find delegates (issue 11, item 11): loopback
// and host-local do their work without it, through their built executables, in a throwaway
// sandbox. (The bridge, which needs it for its IPAM, is tested in plugins/bridge.)
import { existsSync, readdirSync } from "node:fs";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createSandbox, isLinkUp, leftovers, runExecutable, type Sandbox } from "@tscni/testing";
import { distPath } from "@tscni/testing/repo";

const PREFIX = "tcp-";
let sb: Sandbox;
beforeAll(async () => (sb = await createSandbox({ prefix: PREFIX })));
afterAll(async () => {
  await sb?.cleanup();
  expect(await leftovers(PREFIX)).toEqual({ netns: [], mounts: [], tmpDirs: [] });
});

// Unset, and set but empty: both are "no CNI_PATH".
const WITHOUT = [["unset", undefined], ["empty", ""]] as const;

function call(plugin: string, command: string, netns: string, stdin: object, cniPath: string | undefined) {
  const env: Record<string, string | undefined> = { CNI_COMMAND: command, CNI_CONTAINERID: "ctr1", CNI_NETNS: netns, CNI_IFNAME: "eth0", CNI_PATH: cniPath };
  return runExecutable(distPath(plugin), { env, stdin, netns: sb.host.name });
}

describe.each(WITHOUT)("CNI_PATH %s", (_how, cniPath) => {
  it("loopback ADD brings lo up and DEL takes it down", async () => {
    const ns = await sb.addNetns("lo");
    await sb.run(ns, ["ip", "link", "set", "lo", "down"]);
    const conf = { cniVersion: "1.1.0", name: "lo-net", type: "loopback" };
    const add = await call("loopback", "ADD", ns.path, conf, cniPath);
    expect(add.exitCode, add.stdout + add.stderr).toBe(0);
    expect(add.json).toMatchObject({ interfaces: [{ name: "lo" }] });
    expect(await isLinkUp(ns, "lo")).toBe(true);
    const del = await call("loopback", "DEL", ns.path, conf, cniPath);
    expect(del.exitCode, del.stdout + del.stderr).toBe(0);
    expect(await isLinkUp(ns, "lo")).toBe(false);
  });

  it("host-local ADD reserves an address and DEL releases it", async () => {
    const dataDir = join(sb.tmpDir, `hl-${cniPath === undefined ? "unset" : "empty"}`);
    const conf = { cniVersion: "1.1.0", name: "hlnet", type: "host-local", ipam: { type: "host-local", dataDir, ranges: [[{ subnet: "10.66.0.0/24" }]] } };
    const reserved = () => (existsSync(join(dataDir, "hlnet")) ? readdirSync(join(dataDir, "hlnet")).filter((f) => /^\d/.test(f)) : []);
    const add = await call("host-local", "ADD", sb.container.path, conf, cniPath);
    expect(add.exitCode, add.stdout + add.stderr).toBe(0);
    expect(add.json).toMatchObject({ ips: [{ address: "10.66.0.2/24" }] });
    expect(reserved()).toEqual(["10.66.0.2"]);
    const del = await call("host-local", "DEL", sb.container.path, conf, cniPath);
    expect(del.exitCode, del.stdout + del.stderr).toBe(0);
    expect(reserved()).toEqual([]);
  });
});
