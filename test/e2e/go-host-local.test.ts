// Our bridge with Go's host-local (Debian's v1.1.1 in /usr/lib/cni, which stops at CNI 1.0.0
// and predates INIT) under the tscni CLI, end to end in throwaway namespaces: add, check,
// gc, del, remove. Go's host-local answers INIT with code 3; the runtime and the bridge must
// both read that as "not needed", or the network never initialises.
import { existsSync, mkdirSync, readdirSync, symlinkSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { readBuildIdentity } from "@tscni/state/identity";
import { canConnect, createSandbox, exec, leftovers, type Sandbox } from "@tscni/testing";
import { distPath, multiCallNames, testPlugins } from "@tscni/testing/repo";

const PREFIX = "tgo-";
let sb: Sandbox;
beforeEach(async () => (sb = await createSandbox({ prefix: PREFIX, containers: 2 })));
afterEach(async () => {
  await sb?.cleanup();
  expect(leftovers(PREFIX)).toEqual({ netns: [], mounts: [], tmpDirs: [] });
});

interface Run {
  code: number | null;
  stdout: string;
  stderr: string;
  json?: any;
}

function world() {
  const bin = join(sb.tmpDir, "bin");
  const confDir = join(sb.tmpDir, "net.d");
  mkdirSync(bin);
  mkdirSync(confDir);
  symlinkSync(distPath("bridge"), join(bin, "bridge"));
  symlinkSync("/usr/lib/cni/host-local", join(bin, "host-local"));
  writeFileSync(
    join(confDir, "goipam.conflist"),
    JSON.stringify({
      cniVersion: "1.0.0",
      name: "goipam",
      plugins: [
        {
          type: "bridge",
          bridge: "tgo0",
          isGateway: true,
          stateDir: join(sb.tmpDir, "state"),
          ipam: { type: "host-local", dataDir: join(sb.tmpDir, "ipam"), ranges: [[{ subnet: "10.77.0.0/24" }]] },
        },
      ],
    }),
  );
  const env = { PATH: process.env.PATH ?? "", NETCONFPATH: confDir, CNI_PATH: bin, TSCNI_CACHE_DIR: join(sb.tmpDir, "cache") };
  const tscni = async (...args: string[]): Promise<Run> => {
    const r = await exec([distPath("tscni"), ...args, "--netns-exec", sb.host.name, "--json"], { env, timeoutMs: 60_000 });
    const out: Run = { code: r.exitCode, stdout: r.stdout, stderr: r.stderr };
    try {
      out.json = JSON.parse(r.stdout);
    } catch {
      // not JSON: the assertion on code shows stdout
    }
    return out;
  };
  return { tscni };
}

const reservations = (sbx: Sandbox) => {
  const d = join(sbx.tmpDir, "ipam", "goipam");
  return existsSync(d) ? readdirSync(d).filter((f) => /^\d/.test(f)).sort() : [];
};

describe("tscni CLI + our bridge + Go's host-local, 1.0.0 conflist", () => {
  it("add, check, gc, del and remove all work", async () => {
    const { tscni } = world();
    // What runs as tscni and as the bridge: in the multi-call project one file holding every plugin
    // (its trailer), which must still exec Go's host-local rather than run the one it holds.
    for (const name of ["tscni", "bridge"]) {
      const build = readBuildIdentity(distPath(name));
      if (testPlugins() === "multi") expect(build?.kind === "multi" ? build.held.map((h) => h.name).sort() : build, name).toEqual(multiCallNames().sort());
      else expect(build, name).toEqual({ kind: "single", identity: expect.stringMatching(name === "tscni" ? /^@tscni\/runtime@/ : /^@tscni\/bridge@/) });
    }
    const [c1, c2] = sb.containers as [typeof sb.container, typeof sb.container];
    const a1 = await tscni("add", "goipam", c1.path, "--container", "ctr-one");
    expect(a1.code, a1.stdout + a1.stderr).toBe(0);
    expect(a1.json).toMatchObject({ cniVersion: "1.0.0", ips: [{ address: "10.77.0.2/24", gateway: "10.77.0.1" }] });
    const a2 = await tscni("add", "goipam", c2.path, "--container", "ctr-two");
    expect(a2.code, a2.stdout + a2.stderr).toBe(0);
    expect((await tscni("networks")).json).toEqual([expect.objectContaining({ name: "goipam", phase: "initialised", attachments: 2 })]);
    expect(await canConnect(c1, c2, "10.77.0.3")).toBe(true);

    const chk = await tscni("check", "goipam", c1.path, "--container", "ctr-one");
    expect(chk.code, chk.stdout + chk.stderr).toBe(0);

    // GC with only ctr-one valid: ctr-two is DELeted through the chain (1.0.0: no GC verb)
    const gc = await tscni("gc", "goipam", "--valid", "ctr-one:eth0");
    expect(gc.code, gc.stdout + gc.stderr).toBe(0);
    expect(gc.json).toMatchObject({ deleted: [{ containerID: "ctr-two", ifname: "eth0" }], errors: [] });
    expect(reservations(sb)).toEqual(["10.77.0.2"]);

    const del = await tscni("del", "goipam", c1.path, "--container", "ctr-one");
    expect(del.code, del.stdout + del.stderr).toBe(0);
    expect(reservations(sb)).toEqual([]);

    const again = await tscni("add", "goipam", c2.path, "--container", "ctr-three");
    expect(again.code, again.stdout + again.stderr).toBe(0);
    const rm = await tscni("remove", "goipam");
    expect(rm.code, rm.stdout + rm.stderr).toBe(0);
    expect(reservations(sb)).toEqual([]);
    expect((await sb.run(sb.host, ["ip", "link", "show", "tgo0"], { check: false })).exitCode).not.toBe(0); // ours, released
    expect((await tscni("attachments")).json).toEqual([]);
    // the config file is still there: the network is known but no longer initialised
    expect((await tscni("networks")).json).toEqual([expect.objectContaining({ name: "goipam", phase: "uninitialised", attachments: 0 })]);
  });
});
