// Builds a tiny plugin-shaped entry with the real toolchain and runs the outputs.
import { mkdirSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { execa } from "execa";
import { buildExecutable, compileWithModuleMarks, markedModules, prepareEntry } from "../src/index.js";
import { readIdentity } from "@tscni/state/identity";
import { bunPath } from "../src/bun-path.js";
import { runTool } from "../src/run-tool.js";
import { SOURCE_CONDITION } from "../src/options.js";
import { discoverPlugins } from "../src/discover.js";
import { REPO_ROOT } from "../src/dist-layout.js";

const dir = mkdtempSync(join(tmpdir(), "tb-build-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

// Reads env and stdin like a plugin, uses a node: built-in, prints one JSON line.
const entry = join(dir, "entry.ts");
writeFileSync(
  entry,
  `import { readFileSync, writeSync } from "node:fs";
const input: string = process.env.CNI_COMMAND === "ADD" ? readFileSync(0, "utf8") : "";
writeSync(1, JSON.stringify({ cmd: process.env.CNI_COMMAND ?? null, input, bun: typeof (globalThis as { Bun?: unknown }).Bun !== "undefined" }) + "\\n");
process.exit(process.env.CNI_COMMAND === "FAIL" ? 1 : 0);
`,
);

/** Run a built file with an exact env; resolves like @tscni/testing's exec (build must not depend on it). */
async function exec(argv: string[], o: { env: NodeJS.ProcessEnv; stdin?: string }) {
  const r = await execa(argv[0]!, argv.slice(1), { env: o.env, extendEnv: false, input: o.stdin ?? "", stripFinalNewline: false, reject: false });
  return { exitCode: r.exitCode ?? null, stdout: r.stdout, stderr: r.stderr };
}

const env = (cmd: string) => ({ PATH: process.env.PATH, CNI_COMMAND: cmd });

describe("buildExecutable", () => {
  it("node target: one JS file with a node shebang and the run bit, runnable directly and under bun", async () => {
    const out = join(dir, "node", "p");
    const r = await buildExecutable(entry, { target: "node", outfile: out });
    expect(r.upToDate).toBe(false);
    expect(readFileSync(out, "utf8").startsWith("#!/usr/bin/env node\n")).toBe(true);
    expect(statSync(out).mode & 0o111).toBe(0o111);
    const run = await exec([out], { env: env("ADD"), stdin: '{"x":1}' });
    expect(run.exitCode).toBe(0);
    expect(JSON.parse(run.stdout)).toEqual({ cmd: "ADD", input: '{"x":1}', bun: false });
    const underBun = await exec([bunPath(), out], { env: env("VERSION") });
    expect(JSON.parse(underBun.stdout)).toEqual({ cmd: "VERSION", input: "", bun: true });
    const fail = await exec([out], { env: env("FAIL") });
    expect(fail.exitCode).toBe(1);
  });

  it("node target outside an ESM package scope runs as CommonJS too", async () => {
    const other = mkdtempSync(join(tmpdir(), "tb-build-plain-"));
    try {
      const out = join(other, "p");
      await buildExecutable(entry, { target: "node", outfile: out });
      const run = await exec([out], { env: env("VERSION") });
      expect(run.stderr).toBe("");
      expect(JSON.parse(run.stdout).cmd).toBe("VERSION");
    } finally {
      rmSync(other, { recursive: true, force: true });
    }
  });

  it("standalone target: a binary that runs without node, skipped when up to date", async () => {
    const out = join(dir, "bin", "p");
    const first = await buildExecutable(entry, { target: "standalone", outfile: out });
    expect(first.upToDate).toBe(false);
    expect(readFileSync(out).subarray(0, 4).toString("latin1")).toBe("\x7fELF");
    // No node or bun on PATH: the binary carries its runtime.
    const run = await exec([out], { env: { PATH: "/nonexistent", CNI_COMMAND: "ADD" }, stdin: "{}" });
    expect(run.exitCode).toBe(0);
    expect(JSON.parse(run.stdout)).toEqual({ cmd: "ADD", input: "{}", bun: true });

    const mtime = statSync(out).mtimeMs;
    const second = await buildExecutable(entry, { target: "standalone", outfile: out });
    expect(second.upToDate).toBe(true);
    expect(statSync(out).mtimeMs).toBe(mtime);

    writeFileSync(entry, readFileSync(entry, "utf8").replace('"ADD" ?', '"ADD" || process.env.CNI_COMMAND === "CHECK" ?'));
    const third = await buildExecutable(entry, { target: "standalone", outfile: out });
    expect(third.upToDate).toBe(false);
    const check = await exec([out], { env: { CNI_COMMAND: "CHECK" }, stdin: "[]" });
    expect(JSON.parse(check.stdout).input).toBe("[]");
  });

  it("standalone target: a change to a module only the bun condition resolves rebuilds it", async () => {
    const pkg = join(dir, "node_modules", "probe-cond");
    mkdirSync(pkg, { recursive: true });
    writeFileSync(join(pkg, "package.json"), JSON.stringify({ name: "probe-cond", type: "module", exports: { bun: "./bun.js", default: "./node.js" } }));
    writeFileSync(join(pkg, "node.js"), 'export const which = "node";\n');
    writeFileSync(join(pkg, "bun.js"), 'export const which = "bun 1";\n');
    const condEntry = join(dir, "cond.ts");
    writeFileSync(condEntry, 'import { which } from "probe-cond";\nconsole.log(which);\n');
    const out = join(dir, "bin", "cond");
    await buildExecutable(condEntry, { target: "standalone", outfile: out });
    expect((await exec([out], { env: {} })).stdout).toBe("bun 1\n");
    expect((await buildExecutable(condEntry, { target: "standalone", outfile: out })).upToDate).toBe(true);
    writeFileSync(join(pkg, "bun.js"), 'export const which = "bun 2";\n');
    expect((await buildExecutable(condEntry, { target: "standalone", outfile: out })).upToDate).toBe(false);
    expect((await exec([out], { env: {} })).stdout).toBe("bun 2\n");
  });

  it("both targets end with the identity of the nearest package.json, and still run", async () => {
    const pkgDir = join(dir, "pkg");
    mkdirSync(join(pkgDir, "src"), { recursive: true });
    writeFileSync(join(pkgDir, "package.json"), JSON.stringify({ name: "@probe/plugin", version: "2.0.1" }));
    const pkgEntry = join(pkgDir, "src", "main.ts");
    writeFileSync(pkgEntry, readFileSync(entry, "utf8"));
    for (const target of ["node", "standalone"] as const) {
      const out = join(pkgDir, `out-${target}`);
      await buildExecutable(pkgEntry, { target, outfile: out });
      expect(readIdentity(out)).toBe("@probe/plugin@2.0.1");
      const run = await exec([out], { env: env("VERSION") });
      expect(run.exitCode, run.stderr).toBe(0);
      expect(JSON.parse(run.stdout).cmd).toBe("VERSION");
    }
    // No package.json with a version above the entry (the fixture's case): no trailer.
    expect(readIdentity(join(dir, "bin", "p"))).toBeUndefined();
  });

  it("a broken entry fails the build with the bundler's message", async () => {
    const bad = join(dir, "bad.ts");
    writeFileSync(bad, `import { nope } from "./missing.js";\nnope();\n`);
    await expect(buildExecutable(bad, { target: "node", outfile: join(dir, "bad-out") })).rejects.toThrow(/missing/);
  });
});

describe("what a single-plugin standalone evaluates (a build that reports each module)", () => {
  // skel's VERSION path takes node:fs only when it reads or writes (process.getBuiltinModule,
  // which the marks do not see); a static import of node:fs anywhere on it loads more.
  it.each(["loopback", "bridge"])("%s: VERSION imports no node:fs; a call that loads the plugin does", async (name) => {
    const work = join(dir, `marks-${name}`);
    const out = join(work, name);
    await compileWithModuleMarks(await prepareEntry(join(REPO_ROOT, "plugins", name, "src/main.ts"), { workDir: work }), out);
    const runtimeModules = (stderr: string) => markedModules(stderr).filter((m) => m.startsWith("node:"));
    const version = await exec([out], { env: env("VERSION"), stdin: "{}" });
    expect(JSON.parse(version.stdout).supportedVersions).toContain("1.1.0");
    expect(markedModules(version.stderr)).toContain(join(REPO_ROOT, "plugins", name, "src/main.ts"));
    expect(runtimeModules(version.stderr)).toEqual([]);
    // A config the plugin's schema refuses: the plugin loads, and nothing touches the host.
    const refused = await exec([out], { env: env("STATUS"), stdin: JSON.stringify({ cniVersion: "1.1.0", name: "marks", type: name, ipam: 1 }) });
    expect(JSON.parse(refused.stdout).code).toBe(7);
    expect(runtimeModules(refused.stderr)).toContain("node:fs");
  }, 120_000);
});

describe("runTool (how the build runs bun)", () => {
  it("gives the tool's output; a failure names the command and status, with stdout and stderr in order", async () => {
    expect(await runTool(["sh", "-c", "echo one; echo two >&2"])).toBe("one\ntwo\n");
    expect(await runTool(["pwd"], dir)).toBe(`${dir}\n`);
    await expect(runTool(["sh", "-c", "echo out; sleep 0.05; echo err >&2; exit 3"])).rejects.toThrow(/^sh -c .* exited 3:\nout\nerr\n$/);
    await expect(runTool([join(dir, "no-such-tool")])).rejects.toMatchObject({ code: "ENOENT" });
  });
});

describe("discoverPlugins", () => {
  it("finds plugins/*/src/main.ts and the fixture plugin", () => {
    const found = discoverPlugins(REPO_ROOT);
    expect(found.find((p) => p.name === "tscni-fixture")?.entry).toBe(join(REPO_ROOT, "test/fixture-plugin/src/main.ts"));
    for (const p of found) expect(statSync(p.entry).isFile()).toBe(true);
  });
});

describe("tscni-build command", () => {
  // The CLI's source through tsx (the compiled bin is run from node_modules by test/publish).
  const bin = [process.execPath, `--conditions=${SOURCE_CONDITION}`, "--import", "tsx", join(REPO_ROOT, "packages/build/src/cli.ts")];
  it("builds the node target from the command line", async () => {
    const out = join(dir, "cli-out");
    const r = await exec([...bin, entry, "--target", "node", "-o", out], { env: process.env });
    expect(r.stderr).toBe("");
    expect(r.exitCode).toBe(0);
    expect(r.stdout).toContain(out);
    const run = await exec([out], { env: env("DEL") });
    expect(JSON.parse(run.stdout).cmd).toBe("DEL");
  });
  it("exits 2 with usage on bad arguments", async () => {
    const r = await exec([...bin, entry], { env: process.env });
    expect(r.exitCode).toBe(2);
    expect(r.stderr).toContain("usage: tscni-build");
  });
});
