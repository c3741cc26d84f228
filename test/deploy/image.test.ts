// The installer image (deploy/Containerfile), built with podman offline from what the build
// host has, then run the way the DaemonSet's init container runs: `tscni install` into a
// temporary "host" directory. podman must change nothing in the machine's network
// namespace (no bridge, no rule): --network=none, private storage, checked before/after.
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { exec } from "@tscni/testing";
import { distPath, REPO_ROOT } from "@tscni/testing/repo";
import { prepareContext } from "../../deploy/image-context.js";
import { libpodParentExists, Podman } from "./podman.js";

const IMAGE = "localhost/tscni-install:test";
let podman: Podman;
let work: string;
let hadLibpodParent: boolean;

/** What podman could change in the machine's own network namespace. */
async function machineNet(): Promise<string> {
  const parts = await Promise.all([exec(["ip", "-o", "link", "show"]), exec(["ip", "-o", "addr", "show"]), exec(["nft", "list", "ruleset"]), exec(["iptables-save"])]);
  return parts.map((p) => p.stdout.split("\n").filter((l) => !l.startsWith("#")).map((l) => l.replace(/\s+(qlen|link\/\w+)\s.*$/, "")).join("\n")).join("\n--\n");
}

let before: string;
beforeAll(async () => {
  hadLibpodParent = libpodParentExists();
  before = await machineNet();
  podman = new Podman();
  work = mkdtempSync(join(tmpdir(), "tdi-"));
}, 60_000);
afterAll(async () => {
  await podman?.remove(hadLibpodParent);
  if (work) rmSync(work, { recursive: true, force: true });
  expect(await machineNet()).toBe(before);
}, 120_000);

describe("installer image", () => {
  it("builds from the executable and the libraries it links, offline, FROM scratch", async () => {
    const ctx = join(work, "ctx");
    const files = prepareContext(distPath("tscni-plugins"), ctx);
    expect(files).toContain("/usr/bin/tscni-plugins");
    expect(files.some((f) => /ld-linux/.test(f))).toBe(true);
    const r = await podman.run(["build", "--network=none", "--pull=never", "-f", join(REPO_ROOT, "deploy/Containerfile"), "-t", IMAGE, ctx]);
    expect(r.exitCode, r.stdout + r.stderr).toBe(0);
    const size = await podman.run(["image", "inspect", IMAGE, "--format", "{{.Size}}"]);
    // the executable plus a few MiB of libc and friends
    expect(Number(size.stdout.trim())).toBeLessThan(statSync(distPath("tscni-plugins")).size + 16 * 2 ** 20);
  });

  it("runs the DaemonSet's install into a host directory with no network", async () => {
    const host = join(work, "host");
    mkdirSync(join(host, "opt/cni/bin"), { recursive: true });
    const r = await podman.container(["-v", `${host}:/host`, IMAGE]);
    expect(r.exitCode, r.stdout + r.stderr).toBe(0);
    const bin = join(host, "opt/cni/bin");
    // the image's ENTRYPOINT is /usr/bin/tscni, a symlink to the multi-call file: under that name, the CLI
    const plugins = ["bridge", "cluster-ipam", "host-local", "loopback"];
    expect(readdirSync(bin).sort()).toEqual([".tscni-install.json", ...plugins, "tscni-plugins"]);
    const ino = statSync(join(bin, "tscni-plugins")).ino;
    for (const n of plugins) expect(statSync(join(bin, n)).ino).toBe(ino);
    expect(readFileSync(join(bin, "tscni-plugins")).equals(readFileSync(distPath("tscni-plugins")))).toBe(true);
    // run it again: the same image installs nothing new
    const again = await podman.container(["-v", `${host}:/host`, IMAGE, "install", "--dir", "/host/opt/cni/bin", "--from", "/usr/bin/tscni-plugins", "--json"]);
    expect(again.exitCode, again.stdout + again.stderr).toBe(0);
    expect(JSON.parse(again.stdout)).toMatchObject({ executable: { action: "unchanged" } });
    // an installed name runs its plugin: on the host, and in the image (its loader and libraries suffice)
    const version = await exec([join(bin, "loopback")], { env: { CNI_COMMAND: "VERSION" }, stdin: '{"cniVersion":"1.0.0"}' });
    expect(version.exitCode, version.stderr).toBe(0);
    expect(JSON.parse(version.stdout)).toMatchObject({ cniVersion: "1.0.0", supportedVersions: expect.arrayContaining(["1.1.0"]) });
    expect((await exec([join(bin, "loopback")], { env: {}, stdin: "" })).stderr).toMatch(/^tscni loopback v/);
    const inImage = await podman.container(["-v", `${host}:/host`, "-e", "CNI_COMMAND=VERSION", "--entrypoint", "/host/opt/cni/bin/loopback", IMAGE]);
    expect(inImage.exitCode, inImage.stdout + inImage.stderr).toBe(0);
    expect(JSON.parse(inImage.stdout).supportedVersions).toContain("1.1.0");
    expect((await exec([join(bin, "tscni-plugins"), "tscni", "version"])).stdout).toContain("tscni");
    expect(existsSync(join(host, "etc"))).toBe(false);
  });
});
