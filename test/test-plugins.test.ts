// Which executables the tests run as our plugins (TSCNI_TEST_PLUGINS, @tscni/testing/repo's
// distPath). vitest.config.ts runs the interop tests and the demo in two projects: "single-file"
// with dist/bin/<name>, and "multi-call" with dist/multi/<name>, hard links of the multi-call file
// that `pnpm build` makes. This file runs in both and holds each project to its files, so the
// multi-call project cannot quietly fall back to the single-plugin files.
import { readdirSync, statSync } from "node:fs";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { identityAs, readBuildIdentity } from "@tscni/state/identity";
import { createSandbox, leftovers, runExecutable, type Sandbox } from "@tscni/testing";
import { distPath, multiCallFile, multiCallNames, REPO_ROOT, testPlugins } from "@tscni/testing/repo";

const inode = (path: string) => {
  const s = statSync(path);
  return `${s.dev}:${s.ino}`;
};
const PLUGINS = ["bridge", "cluster-ipam", "host-local", "loopback"];

let sb: Sandbox;
beforeAll(async () => (sb = await createSandbox({ prefix: "ttp-" })));
afterAll(async () => {
  await sb?.cleanup();
  expect(leftovers("ttp-")).toEqual({ netns: [], mounts: [], tmpDirs: [] });
});

describe(`the executables this project runs (${testPlugins()})`, () => {
  it("TSCNI_TEST_PLUGINS is multi in the multi-call project and unset elsewhere", ({ task }) => {
    expect(task.file.projectName).toMatch(/^(single-file|multi-call)$/);
    expect(process.env.TSCNI_TEST_PLUGINS).toBe(task.file.projectName === "multi-call" ? "multi" : undefined);
  });

  it("every name the multi-call file holds is its own single-plugin file, or (multi-call) a hard link of dist/bin/tscni-plugins in dist/multi", () => {
    expect(multiCallNames().sort()).toEqual([...PLUGINS, "tscni"]);
    const multi = inode(multiCallFile());
    for (const name of multiCallNames()) {
      const path = distPath(name);
      const build = readBuildIdentity(path);
      if (testPlugins() === "multi") {
        expect(path).toBe(join(REPO_ROOT, "dist", "multi", name));
        expect(inode(path), name).toBe(multi);
        expect(build?.kind === "multi" ? build.held.map((h) => h.name).sort() : build).toEqual([...PLUGINS, "tscni"]);
      } else {
        expect(path).toBe(join(REPO_ROOT, "dist", "bin", name));
        expect(inode(path), name).not.toBe(multi);
        expect(build?.kind, name).toBe("single");
      }
      expect(identityAs(build, name), name).toMatch(new RegExp(`^@tscni/${name === "tscni" ? "runtime" : name}@\\d`));
    }
    if (testPlugins() === "multi") expect(readdirSync(join(REPO_ROOT, "dist", "multi")).sort()).toEqual(multiCallNames().sort());
  });

  it("the node bundles and the fixture plugin stay single files in both projects", () => {
    expect(distPath("bridge", "node")).toBe(join(REPO_ROOT, "dist", "node", "bridge"));
    expect(distPath("tscni-fixture")).toBe(join(REPO_ROOT, "dist", "bin", "tscni-fixture"));
  });

  it.each(PLUGINS)("%s answers VERSION under its name", async (name) => {
    const r = await runExecutable(distPath(name), { env: { CNI_COMMAND: "VERSION" }, stdin: { cniVersion: "1.1.0" }, netns: sb.host.name });
    expect(r.exitCode, r.stdout + r.stderr).toBe(0);
    expect(r.json).toMatchObject({ cniVersion: "1.1.0", supportedVersions: expect.arrayContaining(["0.4.0", "1.0.0", "1.1.0"]) });
  });
});
