import { existsSync, readdirSync, readFileSync, realpathSync } from "node:fs";
import { dirname, join, resolve } from "node:path";

export interface PackageJson {
  name?: string;
  version?: string;
  main?: string;
  exports?: unknown;
  /** tscni-build's own settings. */
  tscni?: { embed?: unknown };
}

export const readPackageJson = (dir: string): PackageJson => JSON.parse(readFileSync(join(dir, "package.json"), "utf8")) as PackageJson;

/** The package.json nearest above `file` (the package a plugin entry belongs to). */
export function nearestPackage(file: string): { dir: string; pkg: PackageJson } | undefined {
  for (let dir = dirname(file); dirname(dir) !== dir; dir = dirname(dir)) {
    if (existsSync(join(dir, "package.json"))) return { dir, pkg: readPackageJson(dir) };
  }
  return undefined;
}

/** `node_modules/<name>` in `dir` or a directory above it (what the bundlers import), symlinks resolved. */
export function findInstalled(name: string, dir: string): string | undefined {
  for (let d = dir; ; d = dirname(d)) {
    const candidate = join(d, "node_modules", name);
    if (existsSync(join(candidate, "package.json"))) return realpathSync(candidate);
    if (dirname(d) === d) return undefined;
  }
}

/** The directory of package `name` as code in `dir` reaches it: node_modules above it, else the pnpm workspace it is in. */
export function findPackage(name: string, dir: string): string | undefined {
  return findInstalled(name, dir) ?? workspacePackages(dir).find((p) => readPackageJson(p).name === name);
}

/** Package directories of the pnpm workspace above `dir` (its `dir/*` and plain entries). */
function workspacePackages(dir: string): string[] {
  for (let d = dir; dirname(d) !== d; d = dirname(d)) {
    const file = join(d, "pnpm-workspace.yaml");
    if (!existsSync(file)) continue;
    const out: string[] = [];
    for (const m of readFileSync(file, "utf8").matchAll(/^\s*-\s*["']?([^"'\s#]+)["']?\s*$/gm)) {
      const pattern = m[1]!;
      if (pattern.endsWith("/*")) {
        const parent = join(d, pattern.slice(0, -2));
        if (existsSync(parent)) for (const name of readdirSync(parent).sort()) out.push(join(parent, name));
      } else out.push(join(d, pattern));
    }
    return out.filter((p) => existsSync(join(p, "package.json")));
  }
  return [];
}

/** An exports target under the given conditions, as node picks it: the first key (in order) that is one of them. */
function conditionalTarget(e: unknown, conditions: ReadonlySet<string>): string | undefined {
  if (typeof e === "string") return e;
  if (typeof e !== "object" || e === null || Array.isArray(e)) return undefined;
  for (const [key, value] of Object.entries(e)) {
    if (!conditions.has(key)) continue;
    const target = conditionalTarget(value, conditions);
    if (target !== undefined) return target;
  }
  return undefined;
}

/** The module a package exports as `subpath` ("." also falls back to main) for an import under `conditions`, or undefined. */
export function exportedModule(dir: string, pkg: PackageJson, subpath: string, conditions: readonly string[] = []): string | undefined {
  const e = typeof pkg.exports === "string" && subpath === "." ? pkg.exports : (pkg.exports as Record<string, unknown> | undefined)?.[subpath];
  const target = e === undefined ? (subpath === "." ? pkg.main : undefined) : conditionalTarget(e, new Set([...conditions, "import", "node", "default"]));
  return typeof target === "string" ? resolve(dir, target) : undefined;
}

/** `subpath` of package `name` as the imports of code in one of `dirs` reach it (the first that does), or undefined. */
export function reachableModule(name: string, subpath: string, dirs: readonly string[], conditions: readonly string[] = []): string | undefined {
  for (const d of dirs) {
    const dir = findInstalled(name, d);
    const module = dir ? exportedModule(dir, readPackageJson(dir), subpath, conditions) : undefined;
    if (module) return module;
  }
  return undefined;
}
