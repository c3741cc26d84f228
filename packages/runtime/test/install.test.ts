// `tscni install` / `tscni uninstall` through the built CLI, in temp directories standing in
// for /opt/cni/bin and /etc/cni/net.d. The "executable" installed is mostly a copy of /bin/true
// padded with zeros and ending in a multi-call trailer: a real ELF that runs, large enough
// that a non-atomic write would be caught mid-way by the exec loop. The last tests install
// the real multi-call file, by default.
import { spawn } from "node:child_process";
import { closeSync, existsSync, lstatSync, mkdirSync, mkdtempSync, openSync, readdirSync, readFileSync, readlinkSync, rmSync, statSync, writeFileSync, writeSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { identityLine, multiIdentityLine, readBuildIdentity } from "@tscni/state";
import { exec } from "@tscni/testing";
import { distPath } from "@tscni/testing/repo";

let root: string;
let dir: string;
beforeEach(() => {
  root = mkdtempSync(join(tmpdir(), "tri-"));
  dir = join(root, "opt-cni-bin");
});
afterEach(() => rmSync(root, { recursive: true, force: true }));

const HELD = ["bridge", "host-local", "loopback", "tscni"];

/** An executable that exits 0, `padMiB` of zeros after the ELF, ending in a multi-call trailer of `version`. */
function fakeBuild(version: string, padMiB = 1, trailer = multiIdentityLine(HELD.map((name) => ({ name, identity: `@tscni/${name}@${version}` })))): string {
  const path = join(root, `build-${version}`);
  writeFileSync(path, readFileSync("/bin/true"), { mode: 0o755 });
  const fd = openSync(path, "a");
  const mib = Buffer.alloc(1 << 20);
  for (let i = 0; i < padMiB; i++) writeSync(fd, mib);
  writeSync(fd, trailer);
  closeSync(fd);
  return path;
}

async function tscni(...args: string[]) {
  return cli([distPath("tscni")], ...args);
}

/** A CLI command with --json, run as `argv...`. */
async function cli(argv: string[], ...args: string[]) {
  const r = await exec([...argv, ...args, "--json"], { env: { PATH: process.env.PATH ?? "" }, timeoutMs: 120_000 });
  let json: any;
  try {
    json = JSON.parse(r.stdout);
  } catch {
    json = undefined;
  }
  return { ...r, json };
}

const ino = (p: string) => statSync(p).ino;

describe("tscni install", () => {
  it("writes the executable and hard-links the names of the plugins it holds (not the CLI's); a second run changes nothing; uninstall removes it all", async () => {
    const v1 = fakeBuild("1");
    const r = await tscni("install", "--dir", dir, "--from", v1);
    expect(r.exitCode, r.stdout + r.stderr).toBe(0);
    expect(r.json).toMatchObject({ executable: { name: "tscni-plugins", action: "written" }, names: [{ name: "bridge", action: "created", link: "hard" }, { name: "host-local" }, { name: "loopback" }] });
    const exe = join(dir, "tscni-plugins");
    for (const n of ["bridge", "host-local", "loopback"]) expect(ino(join(dir, n))).toBe(ino(exe));
    expect(statSync(exe).mode & 0o777).toBe(0o755);
    expect((await exec([join(dir, "loopback")])).exitCode).toBe(0);
    const again = await tscni("install", "--dir", dir, "--from", v1);
    expect(again.json).toMatchObject({ executable: { action: "unchanged" }, names: [{ action: "unchanged" }, { action: "unchanged" }, { action: "unchanged" }] });
    expect(readdirSync(dir).filter((f) => f.includes("tscni-tmp"))).toEqual([]);
    const un = await tscni("uninstall", "--dir", dir);
    expect(un.exitCode, un.stdout + un.stderr).toBe(0);
    expect(readdirSync(dir)).toEqual([]);
    expect((await tscni("uninstall", "--dir", dir)).json).toMatchObject({ removed: [] }); // nothing left to do
  });

  it("--link sym and --link copy; a smaller --plugins list removes the names no longer wanted", async () => {
    const v1 = fakeBuild("1");
    expect((await tscni("install", "--dir", dir, "--from", v1, "--link", "sym")).exitCode).toBe(0);
    expect(lstatSync(join(dir, "bridge")).isSymbolicLink()).toBe(true);
    expect(readlinkSync(join(dir, "bridge"))).toBe("tscni-plugins");
    const copy = await tscni("install", "--dir", dir, "--from", v1, "--link", "copy", "--plugins", "bridge,loopback");
    expect(copy.json).toMatchObject({ names: [{ name: "bridge", action: "updated", link: "copy" }, { name: "loopback", link: "copy" }], removed: ["host-local"] });
    expect(lstatSync(join(dir, "bridge")).isFile()).toBe(true);
    expect(ino(join(dir, "bridge"))).not.toBe(ino(join(dir, "tscni-plugins")));
    expect(existsSync(join(dir, "host-local"))).toBe(false);
    expect((await tscni("install", "--dir", dir, "--from", v1, "--link", "bogus")).json).toMatchObject({ code: 7, msg: expect.stringContaining("--link") });
  });

  it("refuses to replace a file that is not ours, naming it, and changes nothing; --force replaces it and uninstall puts it back", async () => {
    mkdirSync(dir, { recursive: true });
    writeFileSync(join(dir, "bridge"), "#!/bin/sh\necho someone else's bridge\n", { mode: 0o755 });
    const v1 = fakeBuild("1");
    const refused = await tscni("install", "--dir", dir, "--from", v1);
    expect(refused.exitCode).toBe(1);
    expect(refused.json).toMatchObject({ code: 7, msg: expect.stringContaining(join(dir, "bridge")) });
    expect(readdirSync(dir)).toEqual(["bridge"]);
    const forced = await tscni("install", "--dir", dir, "--from", v1, "--force");
    expect(forced.json).toMatchObject({ names: [{ name: "bridge", action: "replaced-foreign" }, { action: "created" }, { action: "created" }] });
    expect(ino(join(dir, "bridge"))).toBe(ino(join(dir, "tscni-plugins")));
    // someone adds a plugin of their own afterwards: uninstall leaves it
    writeFileSync(join(dir, "macvlan"), "x");
    const un = await tscni("uninstall", "--dir", dir);
    expect(un.json).toMatchObject({ restored: ["bridge"] });
    expect(readdirSync(dir).sort()).toEqual(["bridge", "macvlan"]);
    expect(readFileSync(join(dir, "bridge"), "utf8")).toContain("someone else's bridge");
  });

  it("writes the conflist atomically, idempotently, refusing a foreign one unless --force; uninstall removes it", async () => {
    const conf = join(root, "net.d");
    const src = join(root, "10-tscni.conflist");
    writeFileSync(src, JSON.stringify({ cniVersion: "1.1.0", name: "tscni", plugins: [{ type: "loopback" }] }));
    const v1 = fakeBuild("1");
    const r = await tscni("install", "--dir", dir, "--from", v1, "--conflist", src, "--conf-dir", conf);
    expect(r.json).toMatchObject({ conflist: { path: join(conf, "10-tscni.conflist"), action: "written" } });
    expect(readFileSync(join(conf, "10-tscni.conflist"), "utf8")).toBe(readFileSync(src, "utf8"));
    expect((await tscni("install", "--dir", dir, "--from", v1, "--conflist", src, "--conf-dir", conf)).json).toMatchObject({ conflist: { action: "unchanged" } });
    await tscni("uninstall", "--dir", dir);
    expect(readdirSync(conf)).toEqual([]);
    // an admin's own file of that name is refused, then kept aside and put back
    writeFileSync(join(conf, "10-tscni.conflist"), "admin's");
    expect((await tscni("install", "--dir", dir, "--from", v1, "--conflist", src, "--conf-dir", conf)).exitCode).toBe(1);
    expect(existsSync(dir) ? readdirSync(dir) : []).toEqual([]);
    expect((await tscni("install", "--dir", dir, "--from", v1, "--conflist", src, "--conf-dir", conf, "--force")).json).toMatchObject({ conflist: { action: "replaced-foreign" } });
    await tscni("uninstall", "--dir", dir);
    expect(readFileSync(join(conf, "10-tscni.conflist"), "utf8")).toBe("admin's");
  });

  it("upgrading while a runtime execs the plugins in a loop: every exec runs a whole file (no ENOEXEC, no ETXTBSY)", async () => {
    const v1 = fakeBuild("1", 48);
    const v2 = fakeBuild("2", 48);
    expect((await tscni("install", "--dir", dir, "--from", v1)).exitCode).toBe(0);
    const stop = join(root, "stop");
    // The runtime stand-in: exec loopback (and bridge) as fast as it can until told to stop.
    const LOOP = `
      const { spawnSync } = require("node:child_process");
      const { existsSync } = require("node:fs");
      const [dir, stop] = process.argv.slice(1);
      const out = { runs: 0, failures: [] };
      while (!existsSync(stop)) {
        for (const n of ["loopback", "bridge"]) {
          const r = spawnSync(dir + "/" + n, [], { stdio: "ignore" });
          out.runs++;
          if (r.error || r.status !== 0) out.failures.push(r.error ? r.error.code : "exit " + r.status + " " + r.signal);
        }
      }
      process.stdout.write(JSON.stringify(out));
    `;
    const loop = spawn(process.execPath, ["-e", LOOP, dir, stop], { stdio: ["ignore", "pipe", "inherit"] });
    let loopOut = "";
    loop.stdout.on("data", (d: Buffer) => (loopOut += d));
    const done = new Promise<void>((r) => loop.on("close", () => r()));
    try {
      for (let i = 0; i < 6; i++) {
        const r = await tscni("install", "--dir", dir, "--from", i % 2 === 0 ? v2 : v1);
        expect(r.exitCode, r.stdout + r.stderr).toBe(0);
        expect(r.json.executable.action).toBe("written");
      }
    } finally {
      writeFileSync(stop, "");
      await done;
    }
    const seen = JSON.parse(loopOut) as { runs: number; failures: string[] };
    expect(seen.runs).toBeGreaterThan(20);
    expect(seen.failures).toEqual([]);
    // the last install (v1) is what every name runs now
    expect(readBuildIdentity(join(dir, "bridge"))).toMatchObject({ kind: "multi", held: expect.arrayContaining([{ name: "bridge", identity: "@tscni/bridge@1" }]) });
    expect(readdirSync(dir).filter((f) => f.startsWith("."))).toEqual([".tscni-install.json"]);
  });

  it("--plugins picks names among those the file holds; a file that is not a multi-call executable is refused", async () => {
    const v1 = fakeBuild("1");
    const two = await tscni("install", "--dir", dir, "--from", v1, "--plugins", "loopback,tscni");
    expect(two.exitCode, two.stdout + two.stderr).toBe(0);
    expect(readdirSync(dir).sort()).toEqual([".tscni-install.json", "loopback", "tscni", "tscni-plugins"]);
    const missing = await tscni("install", "--dir", dir, "--from", v1, "--plugins", "loopback,macvlan");
    expect(missing.json).toMatchObject({ code: 7, msg: `${v1} holds no plugin named macvlan`, details: "it holds: bridge, host-local, loopback, tscni" });
    const single = fakeBuild("single", 0, identityLine("@tscni/loopback@1"));
    const refused = await tscni("install", "--dir", join(root, "other"), "--from", single);
    expect(refused.json).toMatchObject({ code: 7, msg: `${single} is not a multi-call executable` });
    expect(existsSync(join(root, "other"))).toBe(false);
  });

  it("by default, the running multi-call file (or the tscni-plugins beside the CLI), with every plugin it holds", async () => {
    const multi = distPath("tscni-plugins");
    const plugins = ["bridge", "cluster-ipam", "host-local", "loopback"];
    for (const [how, argv] of [["multi-call file", [multi, "tscni"]], ["CLI beside it", [distPath("tscni")]]] as const) {
      const d = join(root, how.replace(/ /g, "-"));
      const r = await cli([...argv], "install", "--dir", d);
      expect(r.exitCode, r.stdout + r.stderr).toBe(0);
      expect(r.json.names.map((n: { name: string }) => n.name)).toEqual(plugins);
      expect(readdirSync(d).sort()).toEqual([".tscni-install.json", ...plugins, "tscni-plugins"]);
      expect(readFileSync(join(d, "tscni-plugins")).equals(readFileSync(multi))).toBe(true);
      // each installed name runs its plugin
      for (const name of plugins) {
        const v = await exec([join(d, name)], { env: { CNI_COMMAND: "VERSION" }, stdin: "" });
        expect(v.exitCode, v.stdout + v.stderr).toBe(0);
        expect(JSON.parse(v.stdout).supportedVersions).toContain("1.1.0");
        expect((await exec([join(d, name)], { env: {}, stdin: "" })).stderr.split("\n")[0]).toMatch(new RegExp(`^tscni ${name} v`));
      }
    }
  });
});
