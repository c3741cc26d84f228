// No plugin imports another: what a plugin carries of another (the bridge's in-process
// host-local) is the build's decision (tscni-build's embed option), never an import or a
// dependency. Reads every plugins/*/src file and package.json.
import { readdirSync, readFileSync, statSync } from "node:fs";
import { join, relative } from "node:path";
import { describe, expect, it } from "vitest";
import { REPO_ROOT } from "@tscni/testing/repo";

const PLUGINS = join(REPO_ROOT, "plugins");
const plugins = readdirSync(PLUGINS)
  .filter((d) => statSync(join(PLUGINS, d)).isDirectory())
  .map((dir) => ({ dir, pkg: JSON.parse(readFileSync(join(PLUGINS, dir, "package.json"), "utf8")) as { name: string; dependencies?: object; devDependencies?: object } }));
const names = plugins.map((p) => p.pkg.name);

function sources(dir: string): string[] {
  return readdirSync(dir, { recursive: true, encoding: "utf8" })
    .map((f) => join(dir, f))
    .filter((f) => /\.[cm]?[jt]sx?$/.test(f) && statSync(f).isFile());
}

/** Every module specifier a file names: static and side-effect imports, re-exports, import(), require(). */
function specifiers(text: string): string[] {
  const out: string[] = [];
  for (const re of [/\bfrom\s*["']([^"']+)["']/g, /\bimport\s*["']([^"']+)["']/g, /\bimport\s*\(\s*["']([^"']+)["']/g, /\brequire\s*\(\s*["']([^"']+)["']/g]) {
    for (const m of text.matchAll(re)) out.push(m[1]!);
  }
  return out;
}

/** The package a specifier names ("@scope/name/sub" -> "@scope/name"). */
const packageOf = (spec: string) => spec.split("/").slice(0, spec.startsWith("@") ? 2 : 1).join("/");

describe("plugin borders", () => {
  it("finds the plugins and their sources (the check below is not vacuous)", () => {
    expect(names).toEqual(expect.arrayContaining(["@tscni/bridge", "@tscni/host-local", "@tscni/loopback", "@tscni/cluster-ipam"]));
    for (const p of plugins) expect(sources(join(PLUGINS, p.dir, "src")).length).toBeGreaterThan(0);
    expect(specifiers('import a from "x"; export { b } from "@s/y/z"; import "side"; await import("lazy"); require("cjs");').map(packageOf)).toEqual(["x", "@s/y", "side", "lazy", "cjs"]);
  });

  it.each(plugins.map((p) => [p.pkg.name, p] as const))("%s imports no other plugin's package", (_name, p) => {
    const others = names.filter((n) => n !== p.pkg.name);
    const found: string[] = [];
    for (const file of sources(join(PLUGINS, p.dir, "src"))) {
      for (const spec of specifiers(readFileSync(file, "utf8"))) {
        if (others.includes(packageOf(spec))) found.push(`${relative(REPO_ROOT, file)}: ${spec}`);
      }
    }
    expect(found).toEqual([]);
  });

  it.each(plugins.map((p) => [p.pkg.name, p] as const))("%s depends on no other plugin", (_name, p) => {
    const deps = Object.keys({ ...p.pkg.dependencies, ...p.pkg.devDependencies });
    expect(deps.filter((d) => names.includes(d) && d !== p.pkg.name)).toEqual([]);
  });
});
