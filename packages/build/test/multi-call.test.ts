// Multi-call executables: tscni-build --multi on an author's plugin and ours, and the
// tscni-plugins file `pnpm build` makes. Each name is exec'd the ways an operator places it
// (hard link, symlink, a symlink to a symlink, a copy, the explicit form). VERSION gives
// every plugin the same answer, so which plugin ran is read from its about line (stderr,
// no CNI_COMMAND) or from its version list (the example plugin speaks three versions).
import { spawnSync } from "node:child_process";
import { copyFileSync, linkSync, mkdirSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { readBuildIdentity } from "@tscni/state/identity";
import { buildMultiCall, compileWithModuleMarks, markedModules, multiCallEntries, prepareMultiCall, type BuildResult } from "../src/index.js";
import { multiCallPlugins } from "../src/discover.js";
import { REPO_ROOT } from "../src/dist-layout.js";
import { SOURCE_CONDITION } from "../src/options.js";

const root = mkdtempSync(join(tmpdir(), "tb-multi-"));
afterAll(() => rmSync(root, { recursive: true, force: true }));

const SET_MTU = join(REPO_ROOT, "test/example-plugin/src/main.ts");
const LOOPBACK = join(REPO_ROOT, "plugins/loopback/src/main.ts");
const ALL_VERSIONS = ["0.1.0", "0.2.0", "0.3.0", "0.3.1", "0.4.0", "1.0.0", "1.1.0"];
const SET_MTU_VERSIONS = ["0.4.0", "1.0.0", "1.1.0"];
const pkgVersion = (dir: string) => (JSON.parse(readFileSync(join(REPO_ROOT, dir, "package.json"), "utf8")) as { version: string }).version;

/** Run a file as a runtime would: exact env, stdin, argv. */
function run(file: string, o: { command?: string; args?: string[]; stdin?: string } = {}) {
  const env: NodeJS.ProcessEnv = { PATH: process.env.PATH, ...(o.command ? { CNI_COMMAND: o.command } : {}) };
  const r = spawnSync(file, o.args ?? [], { env, input: o.stdin ?? "", encoding: "utf8" });
  let json: any;
  try {
    json = JSON.parse(r.stdout);
  } catch {
    json = undefined;
  }
  return { exitCode: r.status, stdout: r.stdout, stderr: r.stderr, json };
}
const versionsOf = (file: string, args: string[] = []) => run(file, { command: "VERSION", args }).json?.supportedVersions;

/** A directory holding `file` under each way of naming it. */
function names(file: string, dir: string, name: string): Record<"hard" | "sym" | "symToSym" | "copy", string> {
  mkdirSync(join(dir, "hard"), { recursive: true });
  for (const d of ["sym", "chain", "copy"]) mkdirSync(join(dir, d), { recursive: true });
  linkSync(file, join(dir, "hard", name));
  symlinkSync(file, join(dir, "sym", name));
  symlinkSync(join(dir, "sym", name), join(dir, "chain", name));
  copyFileSync(file, join(dir, "copy", name));
  spawnSync("chmod", ["755", join(dir, "copy", name)]);
  return { hard: join(dir, "hard", name), sym: join(dir, "sym", name), symToSym: join(dir, "chain", name), copy: join(dir, "copy", name) };
}

describe("tscni-build --multi: an author's plugin with ours", () => {
  const out: Record<"standalone" | "node", BuildResult | undefined> = { standalone: undefined, node: undefined };
  beforeAll(async () => {
    for (const target of ["standalone", "node"] as const) out[target] = await buildMultiCall([`set-mtu=${SET_MTU}`, LOOPBACK], { target, outfile: join(root, target, "my-plugins") });
  }, 120_000);

  it("names come from NAME=entry or the entry's package; the trailer lists each with its package", () => {
    expect(out.standalone!.held).toEqual(["set-mtu", "loopback"]);
    expect(multiCallEntries([LOOPBACK])).toEqual([{ name: "loopback", entry: LOOPBACK }]);
    expect(readBuildIdentity(out.standalone!.outfile)).toEqual({
      kind: "multi",
      held: [{ name: "set-mtu", identity: `@tscni/e2e@${pkgVersion("test")}` }, { name: "loopback", identity: `@tscni/loopback@${pkgVersion("plugins/loopback")}` }],
    });
    expect(readBuildIdentity(out.node!.outfile)).toEqual(readBuildIdentity(out.standalone!.outfile));
  });

  it.each(["standalone", "node"] as const)("%s: each name runs its plugin through a hard link, a symlink, a symlink to a symlink and a copy", (target) => {
    const file = out[target]!.outfile;
    for (const [name, want] of [["set-mtu", SET_MTU_VERSIONS], ["loopback", ALL_VERSIONS]] as const) {
      const paths = names(file, join(root, `${target}-names`), name);
      for (const [how, path] of Object.entries(paths)) expect({ how, versions: versionsOf(path) }).toEqual({ how, versions: want });
    }
    const about = run(join(root, `${target}-names`, "sym", "loopback"));
    expect(about.stderr.split("\n")[0]).toBe(`tscni loopback v${pkgVersion("plugins/loopback")}`);
  });

  it.each(["standalone", "node"] as const)("%s: the explicit form, a name it does not hold, and no name", (target) => {
    const file = out[target]!.outfile;
    expect(versionsOf(file, ["set-mtu"])).toEqual(SET_MTU_VERSIONS);
    expect(versionsOf(file, ["loopback"])).toEqual(ALL_VERSIONS);
    const unknown = run(file, { command: "VERSION", args: ["bridge"] });
    expect(unknown.exitCode).toBe(1);
    expect(unknown.json).toEqual({ cniVersion: "1.1.0", code: 4, msg: 'no plugin named "bridge" in this executable', details: "it holds: set-mtu, loopback" });
    // A runtime exec'ing a link of a name the file does not hold gets the spec's error too.
    const dir = join(root, `${target}-foreign`);
    mkdirSync(dir);
    symlinkSync(file, join(dir, "macvlan"));
    const foreign = run(join(dir, "macvlan"), { command: "ADD", stdin: "{}" });
    expect(foreign.exitCode).toBe(1);
    expect(foreign.json).toMatchObject({ code: 4, msg: "macvlan is not a plugin this executable holds", details: "it holds: set-mtu, loopback" });
    const bare = run(file);
    expect(bare.exitCode).toBe(2);
    expect(bare.stdout).toBe("");
    expect(bare.stderr).toMatch(/^usage: my-plugins NAME \[ARGS\.\.\.\].*\nit holds: set-mtu, loopback\n$/);
  });

  it("refuses two entries of one name and an entry its package does not name", async () => {
    expect(() => multiCallEntries([LOOPBACK, `loopback=${SET_MTU}`])).toThrow(/two entries named "loopback"/);
    const lone = join(mkdtempSync(join(tmpdir(), "tb-multi-lone-")), "main.ts");
    writeFileSync(lone, "export {};\n");
    try {
      expect(() => multiCallEntries([lone])).toThrow(/gives it no plugin name; name it: NAME=/);
      await expect(buildMultiCall([`x=${lone}`], { target: "node", outfile: join(root, "lone") })).rejects.toThrow(/reaches @tscni\/skel/);
    } finally {
      rmSync(join(lone, ".."), { recursive: true, force: true });
    }
  });

  it("the tscni-build command line", () => {
    const outfile = join(root, "cli", "two");
    const r = spawnSync(process.execPath, [`--conditions=${SOURCE_CONDITION}`, "--import", "tsx", join(REPO_ROOT, "packages/build/src/cli.ts"), "--multi", `mtu=${SET_MTU}`, LOOPBACK, "--target", "node", "-o", outfile], { encoding: "utf8" });
    expect(r.stderr).toBe("");
    expect(r.stdout).toContain("holds mtu, loopback");
    expect(versionsOf(outfile, ["mtu"])).toEqual(SET_MTU_VERSIONS);
  });
});

describe("dist/bin/tscni-plugins: every plugin and the CLI in one file", () => {
  const file = join(REPO_ROOT, "dist/bin/tscni-plugins");
  const plugins = ["bridge", "cluster-ipam", "host-local", "loopback"];

  it("its trailer lists every plugin and the CLI; bridge, host-local and cluster-ipam by their packages", () => {
    const b = readBuildIdentity(file);
    expect(b?.kind === "multi" && b.held.map((h) => h.name)).toEqual([...plugins, "tscni"]);
    expect(b?.kind === "multi" && b.held.find((h) => h.name === "host-local")?.identity).toBe(`@tscni/host-local@${pkgVersion("plugins/host-local")}`);
  });

  it("each plugin name, placed four ways, runs that plugin", () => {
    for (const name of plugins) {
      const paths = names(file, join(root, "dist-names"), name);
      for (const [how, path] of Object.entries(paths)) {
        const r = run(path);
        expect({ how, about: r.stderr.split("\n")[0] }).toEqual({ how, about: `tscni ${name} v${pkgVersion(`plugins/${name}`)}` });
        expect(versionsOf(path)).toEqual(ALL_VERSIONS);
      }
      expect(run(file, { args: [name] }).stderr.split("\n")[0]).toBe(`tscni ${name} v${pkgVersion(`plugins/${name}`)}`);
    }
  });

  it("`tscni` is the CLI, by its name or explicitly, with its own arguments", () => {
    const dir = join(root, "cli-name");
    mkdirSync(dir);
    symlinkSync(file, join(dir, "tscni"));
    expect(run(join(dir, "tscni"), { args: ["version"] }).stdout).toMatch(/^tscni \d+\.\d+\.\d+ /);
    expect(run(file, { args: ["tscni", "version"] }).stdout).toMatch(/^tscni \d+\.\d+\.\d+ /);
    expect(run(file, { args: ["tscni", "bogus"] }).stderr).toContain('unknown command "bogus"');
  });
});

describe("what a call evaluates (a build of the same entry that reports each module)", () => {
  let marked: string;
  let generated: string;
  beforeAll(async () => {
    const prep = await prepareMultiCall(multiCallPlugins(REPO_ROOT), join(root, "marked-entry"));
    generated = prep.source;
    marked = join(root, "marked", "tscni-plugins");
    mkdirSync(join(root, "marked"));
    await compileWithModuleMarks(prep, marked);
  }, 120_000);

  const rel = (p: string) => (p.startsWith(REPO_ROOT) ? p.slice(REPO_ROOT.length + 1) : p);
  /** The dispatcher, skel's VERSION path and the version list (types' version module and the entry); no runtime module (node:fs) by import. */
  const VERSION_PATH = [
    "packages/skel/src/multi-call.ts", "packages/invoke/src/registry.ts",
    ...["main", "entry", "version-answer", "stdio", "run", "env", "names", "precheck", "netns-guard", "outcome", "version-check", "read-fd", "stdin", "trace", "in-process", "index"].map((m) => `packages/skel/src/${m}.ts`),
    "packages/types/src/errors.ts", "packages/types/src/version.ts", "packages/types/src/names.ts",
    // VERSION's stdin and stdout go through libc under Bun (skel's stdio.ts).
    "packages/state/src/bun-libc.ts",
  ];

  it.each(["bridge", "cluster-ipam", "host-local", "loopback"])("VERSION of %s evaluates nothing but the dispatcher, skel's VERSION path and its entry, and no runtime module by a static import (node:fs is taken when needed)", (name) => {
    const dir = join(root, "marked-links");
    mkdirSync(dir, { recursive: true });
    symlinkSync(marked, join(dir, name));
    const r = run(join(dir, name), { command: "VERSION" });
    expect(r.json.supportedVersions).toEqual(ALL_VERSIONS);
    const seen = markedModules(r.stderr).filter((m) => m !== generated).map(rel);
    expect(seen).toContain(`plugins/${name}/src/main.ts`);
    expect(seen.filter((m) => !VERSION_PATH.includes(m) && m !== `plugins/${name}/src/main.ts`)).toEqual([]);
  });
});
