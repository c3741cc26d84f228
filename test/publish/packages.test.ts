// What every published package declares, read from its package.json and its directory (no
// registry, no build): the exports scheme, one version for all, the licence, what ships.
import { existsSync, readFileSync } from "node:fs";
import { join, relative } from "node:path";
import { describe, expect, it } from "vitest";
import { REPO_ROOT } from "@tscni/testing/repo";
import { publishedPackages, type PackageJson } from "../../scripts/compile-packages.js";

const root = JSON.parse(readFileSync(join(REPO_ROOT, "package.json"), "utf8")) as PackageJson & { repository: { url: string } };
const packages = publishedPackages();
const LICENSE = readFileSync(join(REPO_ROOT, "LICENSE"), "utf8");
type Target = Record<string, string>;

describe("published packages", () => {
  it("are every @tscni package and create-tscni-plugin; the root and the test fixtures stay private", () => {
    expect(packages.map((p) => p.name).sort()).toEqual(
      ["@tscni/bridge", "@tscni/build", "@tscni/cluster-ipam", "@tscni/cluster-pool", "@tscni/etcd", "@tscni/host-local", "@tscni/invoke", "@tscni/ipam-ranges", "@tscni/loopback", "@tscni/net", "@tscni/runtime", "@tscni/skel", "@tscni/state", "@tscni/testing", "@tscni/types", "create-tscni-plugin"],
    );
    expect(root.private).toBe(true);
    expect(JSON.parse(readFileSync(join(REPO_ROOT, "test", "package.json"), "utf8")).private).toBe(true);
  });

  it("all have the version of the root package.json, the one place it is said", () => {
    expect(root.version).toMatch(/^0\.\d+\.\d+$/);
    for (const p of packages) expect(`${p.name}@${p.pkg.version}`).toBe(`${p.name}@${root.version}`);
  });

  it.each(packages.map((p) => [p.name, p] as const))("%s: Apache-2.0 with the licence text, README, repository, engines, files", (_, p) => {
    expect(p.pkg.license).toBe("Apache-2.0");
    expect(readFileSync(join(p.dir, "LICENSE"), "utf8")).toBe(LICENSE);
    expect(LICENSE).toContain("Apache License\n                           Version 2.0, January 2004");
    expect(readFileSync(join(p.dir, "README.md"), "utf8")).toMatch(/^# /);
    expect(p.pkg["description"]).toEqual(expect.any(String));
    expect(p.pkg["repository"]).toEqual({ type: "git", url: root.repository.url, directory: relative(REPO_ROOT, p.dir) });
    expect(p.pkg["engines"]).toEqual({ node: ">=20" });
    expect(p.pkg["type"]).toBe("module");
    const files = p.pkg["files"] as string[];
    expect(files.slice(0, 2)).toEqual(["dist", "src"]);
    expect(files).toEqual(expect.arrayContaining(["README.md", "LICENSE"]));
    expect(files.filter((f) => /test|bench|fixture/.test(f))).toEqual([]);
    expect(existsSync(join(p.dir, "tsconfig.build.json"))).toBe(true);
  });

  it.each(packages.map((p) => [p.name, p] as const))("%s: every export and import is its source under tscni-source, then the compiled .d.ts and .js (a bun variant first where there is one)", (_, p) => {
    const exports = p.pkg["exports"] as Record<string, Target> | undefined;
    if (!exports) return expect(p.name).toBe("create-tscni-plugin"); // a bin only
    const imports = (p.pkg["imports"] ?? {}) as Record<string, Target>;
    for (const [subpath, target] of [...Object.entries(exports), ...Object.entries(imports)]) {
      const what = `${p.name} ${subpath}`;
      if (p.name === "@tscni/testing" && subpath === "./repo") {
        // This repository's own helpers: nothing a consumer can resolve, nothing shipped.
        expect(target).toEqual({ "tscni-source": "./repo/index.ts" });
        expect((p.pkg["files"] as string[]).some((f) => f.startsWith("repo"))).toBe(false);
        continue;
      }
      // Code only Bun can run (FFI) sits under the "bun" condition, first, so everything else,
      // node bundles included, resolves the module beside it (packages/CONTRACTS.md "Exports").
      const { bun, ...rest } = target as Target & { bun?: Target };
      if (bun !== undefined) expectScheme(p.dir, bun, `${what} (bun)`);
      expect(Object.keys(target)[0], what).toBe(bun === undefined ? "tscni-source" : "bun");
      expectScheme(p.dir, rest, what);
    }
  });

  it.each(packages.map((p) => [p.name, p] as const))("%s: workspace dependencies in step (workspace:*), a bin is compiled JS", (_, p) => {
    for (const deps of [p.pkg.dependencies, p.pkg.peerDependencies, p.pkg.devDependencies]) {
      for (const [name, range] of Object.entries(deps ?? {})) if (name.startsWith("@tscni/")) expect(`${name} ${range}`).toBe(`${name} workspace:*`);
    }
    for (const bin of Object.values(p.pkg.bin ?? {})) expect(bin).toMatch(/^\.\/dist\/src\/.+\.js$/);
  });

  it("a runtime install pulls in neither the test harness nor bun: @tscni/testing is an optional peer of the runtime, @tscni/build of testing", () => {
    const byName = new Map(packages.map((p) => [p.name, p.pkg]));
    for (const [pkg, peer] of [["@tscni/runtime", "@tscni/testing"], ["@tscni/testing", "@tscni/build"]] as const) {
      const p = byName.get(pkg)!;
      expect(p.dependencies?.[peer]).toBeUndefined();
      expect(p.peerDependencies?.[peer]).toBe("workspace:*");
      expect(p["peerDependenciesMeta"]).toEqual({ [peer]: { optional: true } });
    }
    // @tscni/build carries the toolchain, pinned exactly.
    const build = byName.get("@tscni/build")!;
    expect(build.dependencies?.["bun"]).toMatch(/^\d+\.\d+\.\d+$/);
    expect(build.dependencies?.["esbuild"]).toMatch(/^\d+\.\d+\.\d+$/);
  });
});

/** `{ tscni-source: ./src/x.ts, types: ./dist/src/x.d.ts, import: ./dist/src/x.js }`, in that order, the source there. */
function expectScheme(dir: string, target: Target, what: string): void {
  const source = target["tscni-source"]!;
  expect(existsSync(join(dir, source)), what).toBe(true);
  const stem = source.replace(/^\.\/src\//, "./dist/src/").replace(/\.ts$/, "");
  expect(Object.entries(target), what).toEqual([["tscni-source", source], ["types", `${stem}.d.ts`], ["import", `${stem}.js`]]);
}
