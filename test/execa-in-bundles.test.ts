// execa is how the runtime, the CLI and the test harness run programs, but no plugin
// executable carries it: a plugin process lives for one call, and an exec through execa
// costs it much more than through @tscni/net's spawnCollect, which its delegate exec uses
// (docs/architecture.md, "Running programs"). A file that does not contain execa's code
// cannot evaluate it, on VERSION or on any other path.
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { createRequire } from "node:module";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { buildExecutable } from "@tscni/build";
import { discoverPlugins } from "../packages/build/src/discover.js";
import { distPath, REPO_ROOT } from "@tscni/testing/repo";

const TARGETS = ["standalone", "node"] as const;
const entries = discoverPlugins(REPO_ROOT);
const plugins = entries.filter((e) => e.name !== "tscni");
const cli = entries.find((e) => e.name === "tscni")!;

// A string literal of execa's own code, looked for in the built files (both bundlers keep
// string literals; a bundle's list of inputs would not do: it names execa's files even
// when tree shaking left none of their code in the output).
const execaDir = dirname(createRequire(join(REPO_ROOT, "packages/invoke/package.json")).resolve("execa"));
const MARKER = 'has been renamed to "cancelSignal" instead.';
const holdsExeca = (file: string) => readFileSync(file, "latin1").includes(MARKER);

const tmp = mkdtempSync(join(tmpdir(), "tr-execa-probe-"));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

describe("execa stays out of plugin executables", () => {
  it("finds every plugin and the CLI; the marker is execa's", () => {
    expect(plugins.map((p) => p.name)).toEqual(expect.arrayContaining(["bridge", "cluster-ipam", "host-local", "loopback", "tscni-fixture"]));
    expect(cli).toBeDefined();
    expect(readFileSync(join(execaDir, "lib/methods/main-async.js"), "utf8")).toContain(MARKER);
  });

  // The check itself: what a static import on a plugin's path (skel, a plugin, a module
  // they share) does to both targets, and what the CLI's lazy import does.
  it("a plugin that imports execa statically carries it in both targets", { timeout: 120_000 }, async () => {
    const entry = join(REPO_ROOT, "test/execa-probe/main.ts");
    for (const target of TARGETS) {
      const outfile = join(tmp, `probe-${target}`);
      await buildExecutable(entry, { target, outfile, force: true });
      expect(holdsExeca(outfile), target).toBe(true);
    }
  });

  it("the CLI's executables carry execa (the runtime runs plugins through it, imported on first use)", () => {
    for (const target of TARGETS) expect(holdsExeca(distPath("tscni", target)), target).toBe(true);
  });

  for (const p of plugins) {
    it(`${p.name}: neither executable holds execa's code`, () => {
      for (const target of TARGETS) expect(holdsExeca(distPath(p.name, target)), target).toBe(false);
    });
  }
});
