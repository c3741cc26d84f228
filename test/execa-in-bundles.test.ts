// execa is how the runtime, the CLI and the test harness run programs, but no plugin
// executable carries it: a plugin starts once per pod, and a bundle pays for execa's code
// at every start even when it never evaluates it (docs/architecture.md, "Running
// programs"). A plugin's delegate exec uses @tscni/net's spawnCollect instead.
import { readFileSync } from "node:fs";
import { createRequire } from "node:module";
import { dirname, join } from "node:path";
import { describe, expect, it } from "vitest";
import { discoverPlugins } from "@tscni/build";
import { distPath, REPO_ROOT } from "@tscni/testing";

const entries = discoverPlugins(REPO_ROOT);
const plugins = entries.filter((e) => e.name !== "tscni");
const cli = entries.find((e) => e.name === "tscni")!;

// A string literal of execa's own code, to look for in the built files (the bundlers keep
// string literals; a bundle's list of inputs would not do: it names execa's files even
// when tree shaking left none of their code in the output).
const execaDir = dirname(createRequire(join(REPO_ROOT, "packages/invoke/package.json")).resolve("execa"));
const MARKER = 'has been renamed to "cancelSignal" instead.';

describe("execa stays out of plugin executables", () => {
  it("finds every plugin and the CLI", () => {
    expect(plugins.map((p) => p.name)).toEqual(expect.arrayContaining(["bridge", "host-local", "loopback", "tscni-fixture"]));
    expect(cli).toBeDefined();
    expect(readFileSync(join(execaDir, "lib/methods/main-async.js"), "utf8")).toContain(MARKER);
  });

  it("the CLI's executables carry execa (it runs plugins through it)", () => {
    for (const target of ["standalone", "node"] as const) expect(readFileSync(distPath("tscni", target), "latin1")).toContain(MARKER);
  });

  for (const p of plugins) {
    it(`${p.name}: neither executable holds execa's code`, () => {
      for (const target of ["standalone", "node"] as const) expect(readFileSync(distPath(p.name, target), "latin1")).not.toContain(MARKER);
    });
  }
});
