import { existsSync, mkdirSync, readFileSync } from "node:fs";
import { dirname, isAbsolute, join, resolve } from "node:path";
import { identityOf } from "@tscni/state/identity";
import { isPluginName } from "@tscni/types/names";
import { exportedModule, findPackage, nearestPackage, reachableModule, type PackageJson } from "./package-json.js";
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
    if (!isPluginName(type)) throw new Error(`cannot embed ${spec}: "${type}" is not a plugin file name`);
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
  const dir = findPackage(target, entryDir);
  if (!dir) throw new Error(`cannot embed ${target}: no such package in node_modules or the workspace above ${entryDir}`);
  return dir;
}

/** The module a package's main export names (exports["."], else main). */
function mainModule(dir: string, pkg: PackageJson, spec: string, conditions: readonly string[]): string {
  const module = exportedModule(dir, pkg, ".", conditions);
  if (!module) throw new Error(`cannot embed ${spec}: ${dir}/package.json names no main module (exports["."] or main)`);
  return module;
}

/** @tscni/invoke's registry as the imports of code in one of `dirs` reach it (the one copy their delegations consult). */
export function registryModule(dirs: readonly string[], conditions: readonly string[] = []): string | undefined {
  return reachableModule("@tscni/invoke", "./registry", dirs, conditions);
}

/** One registerEmbedded call to generate: `file` when exec'ing this very executable as `type` runs it (a multi-call file). */
export interface Registration {
  type: string;
  identity?: string;
  module: string;
  file?: boolean;
}

/**
 * The registerEmbedded calls for `regs` (source lines; `file` is the variable holding the
 * executable's own path), writing into `workDir` one module per delegate that re-exports its
 * `plugin`: imported lazily, so the delegate loads only when it runs, and a package without
 * that export fails the build, not the call.
 */
export function registrationLines(regs: readonly Registration[], workDir: string): string[] {
  mkdirSync(workDir, { recursive: true });
  return regs.map((r) => {
    const file = `embed-${r.type}.ts`;
    writeIfChanged(join(workDir, file), `export { plugin } from ${JSON.stringify(r.module)};\n`, 0o644);
    const fields = [...(r.identity ? [`identity: ${JSON.stringify(r.identity)}`] : []), ...(r.file ? ["file"] : []), `load: () => import(${JSON.stringify(`./${file}`)}).then((m) => m.plugin)`];
    return `registerEmbedded(${JSON.stringify(r.type)}, { ${fields.join(", ")} });`;
  });
}

/**
 * Write the entry the bundlers build instead of `entry` when it embeds delegates: the
 * registration first, then the plugin's main.ts. Returns `entry` itself when there is
 * nothing to embed. Files go to `workDir` (rewritten only when they change). `conditions`:
 * the bundlers' export conditions (the registry must be the copy the entry's imports reach).
 */
export function embeddingEntry(entry: string, embeds: readonly Embed[], workDir: string, conditions: readonly string[] = []): string {
  if (embeds.length === 0) return entry;
  const registry = registryModule([dirname(entry)], conditions);
  if (!registry) throw new Error(`cannot embed delegates into ${entry}: its package does not depend on @tscni/invoke, which runs them`);
  const lines = [
    "// Generated by tscni-build: the delegates this executable carries (in-process when CNI_PATH holds the same build).",
    `import { registerEmbedded } from ${JSON.stringify(registry)};`,
    ...registrationLines(embeds, workDir),
  ];
  writeIfChanged(join(workDir, "embedded.ts"), lines.join("\n") + "\n", 0o644);
  const main = join(workDir, "main.ts");
  writeIfChanged(main, `import "./embedded.ts";\nimport ${JSON.stringify(entry)};\n`, 0o644);
  return main;
}
