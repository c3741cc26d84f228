import { existsSync, mkdirSync, readFileSync, readdirSync, realpathSync } from "node:fs";
import { dirname, isAbsolute, join, resolve } from "node:path";
import { identityOf } from "@tscni/state/identity";
import { nearestPackage, type PackageJson } from "./package-json.js";
import { writeIfChanged } from "./write-if-changed.js";

/*
 * Embedding: an executable may carry delegate plugins (the bridge carries host-local) so
 * that a delegation to the same build runs in its own process. Which ones is the build's
 * choice, never an import from one plugin to another: the build resolves each delegate
 * package and generates the registration @tscni/invoke consults (identity + lazy loader),
 * in a wrapper entry that imports it before the plugin's own main.ts.
 */

/** One delegate to embed, resolved. */
export interface Embed {
  /** The delegate type, the file name CNI_PATH holds (`host-local`). */
  type: string;
  /** `<package>@<version>`: only a file carrying this trailer runs in-process. */
  identity: string;
  /** The module exporting the delegate's `plugin`. */
  module: string;
}

/**
 * The embed list for an entry: `requested` when given (tscni-build --embed / --no-embed),
 * else its package.json's `tscni.embed`. Each spec is `[type=]package` or `[type=]path`
 * (a directory holding the delegate's package.json).
 */
export function embedSpecs(entry: string, requested?: readonly string[]): { specs: readonly string[]; from: string } {
  if (requested) return { specs: requested, from: process.cwd() };
  const found = nearestPackage(entry);
  const list = found?.pkg.tscni?.embed ?? [];
  if (!Array.isArray(list) || !list.every((s) => typeof s === "string")) throw new Error(`${join(found!.dir, "package.json")}: "tscni.embed" must be a list of package names`);
  return { specs: list as string[], from: found?.dir ?? dirname(entry) };
}

/**
 * Resolve embed specs (see embedSpecs) for an entry, each package's modules under the export
 * conditions the bundlers use (`conditions` besides import/node/default). Throws naming what
 * cannot be embedded.
 */
export function resolveEmbeds(entry: string, specs: readonly string[], from: string, conditions: readonly string[] = []): Embed[] {
  const seen = new Set<string>();
  return specs.map((spec) => {
    const eq = spec.indexOf("=");
    const target = eq > 0 ? spec.slice(eq + 1) : spec;
    const dir = packageDir(target, from, dirname(entry));
    const pkg = JSON.parse(readFileSync(join(dir, "package.json"), "utf8")) as PackageJson;
    if (!pkg.name || !pkg.version) throw new Error(`cannot embed ${spec}: ${dir}/package.json needs a name and a version (its executables' identity)`);
    const type = eq > 0 ? spec.slice(0, eq) : pkg.name.slice(pkg.name.lastIndexOf("/") + 1);
    if (!/^[A-Za-z0-9][A-Za-z0-9._-]*$/.test(type)) throw new Error(`cannot embed ${spec}: "${type}" is not a plugin file name`);
    if (seen.has(type)) throw new Error(`cannot embed ${spec}: a delegate for "${type}" is already embedded`);
    seen.add(type);
    return { type, identity: identityOf(pkg.name, pkg.version), module: mainModule(dir, pkg, spec, conditions) };
  });
}

/** A path spec, a package in node_modules above `entryDir`, or a package of the workspace the entry is in. */
function packageDir(target: string, from: string, entryDir: string): string {
  if (target.startsWith(".") || isAbsolute(target)) {
    const dir = resolve(from, target);
    if (!existsSync(join(dir, "package.json"))) throw new Error(`cannot embed ${target}: no package.json in ${dir}`);
    return dir;
  }
  const installed = findInstalled(target, entryDir);
  if (installed) return installed;
  for (const dir of workspacePackages(entryDir)) {
    const pkg = JSON.parse(readFileSync(join(dir, "package.json"), "utf8")) as PackageJson;
    if (pkg.name === target) return dir;
  }
  throw new Error(`cannot embed ${target}: no such package in node_modules or the workspace above ${entryDir}`);
}

/** `node_modules/<name>` in `dir` or a directory above it (what the bundlers import), symlinks resolved. */
function findInstalled(name: string, dir: string): string | undefined {
  for (let d = dir; ; d = dirname(d)) {
    const candidate = join(d, "node_modules", name);
    if (existsSync(join(candidate, "package.json"))) return realpathSync(candidate);
    if (dirname(d) === d) return undefined;
  }
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
function exportedModule(dir: string, pkg: PackageJson, subpath: string, conditions: readonly string[]): string | undefined {
  const e = typeof pkg.exports === "string" && subpath === "." ? pkg.exports : (pkg.exports as Record<string, unknown> | undefined)?.[subpath];
  const target = e === undefined ? (subpath === "." ? pkg.main : undefined) : conditionalTarget(e, new Set([...conditions, "import", "node", "default"]));
  return typeof target === "string" ? resolve(dir, target) : undefined;
}

/** The module a package's main export names (exports["."], else main). */
function mainModule(dir: string, pkg: PackageJson, spec: string, conditions: readonly string[]): string {
  const module = exportedModule(dir, pkg, ".", conditions);
  if (!module) throw new Error(`cannot embed ${spec}: ${dir}/package.json names no main module (exports["."] or main)`);
  return module;
}

/** @tscni/invoke's registry as the entry's own imports reach it (the one copy its delegations consult). */
function registryModule(entry: string, conditions: readonly string[]): string {
  const dir = findInstalled("@tscni/invoke", dirname(entry));
  const module = dir ? exportedModule(dir, JSON.parse(readFileSync(join(dir, "package.json"), "utf8")) as PackageJson, "./registry", conditions) : undefined;
  if (!module) throw new Error(`cannot embed delegates into ${entry}: its package does not depend on @tscni/invoke, which runs them`);
  return module;
}

/**
 * Write the entry the bundlers build instead of `entry` when it embeds delegates: the
 * registration first, then the plugin's main.ts. Returns `entry` itself when there is
 * nothing to embed. Files go to `workDir` (rewritten only when they change). `conditions`:
 * the bundlers' export conditions (the registry must be the copy the entry's imports reach).
 */
export function embeddingEntry(entry: string, embeds: readonly Embed[], workDir: string, conditions: readonly string[] = []): string {
  if (embeds.length === 0) return entry;
  const registry = registryModule(entry, conditions);
  mkdirSync(workDir, { recursive: true });
  const lines = [
    "// Generated by tscni-build: the delegates this executable carries (in-process when CNI_PATH holds the same build).",
    `import { registerEmbedded } from ${JSON.stringify(registry)};`,
  ];
  for (const e of embeds) {
    const file = `embed-${e.type}.ts`;
    // A module of its own, imported lazily: the delegate loads only when it runs, and a
    // package without a `plugin` export fails the build, not the call.
    writeIfChanged(join(workDir, file), `export { plugin } from ${JSON.stringify(e.module)};\n`, 0o644);
    lines.push(`registerEmbedded(${JSON.stringify(e.type)}, { identity: ${JSON.stringify(e.identity)}, load: () => import(${JSON.stringify(`./${file}`)}).then((m) => m.plugin) });`);
  }
  writeIfChanged(join(workDir, "embedded.ts"), lines.join("\n") + "\n", 0o644);
  const main = join(workDir, "main.ts");
  writeIfChanged(main, `import "./embedded.ts";\nimport ${JSON.stringify(entry)};\n`, 0o644);
  return main;
}
