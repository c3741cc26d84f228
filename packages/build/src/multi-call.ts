import { existsSync, mkdirSync } from "node:fs";
import { dirname, join, resolve } from "node:path";
import { identityOf, multiIdentityLine, type HeldPlugin } from "@tscni/state/identity";
import { isPluginName } from "@tscni/types/names";
import { type BuildOptions, type BuildResult, type PreparedEntry, writeExecutable } from "./build.js";
import { embedSpecs, registrationLines, registryModule, resolveEmbeds, type Registration } from "./embed.js";
import { bundleForNode, moduleExports } from "./node-bundle.js";
import { defaultConditions } from "./options.js";
import { exportedModule, nearestPackage, reachableModule, type PackageJson } from "./package-json.js";
import { writeIfChanged } from "./write-if-changed.js";

/*
 * A multi-call executable: several plugin entries (main.ts files calling pluginMain) in one
 * file that runs the one it is exec'd as (@tscni/skel/multi-call). The generated entry maps
 * each name to a dynamic import of that main.ts, so a call evaluates the dispatcher and the
 * selected plugin's modules only. Delegates it holds run in-process when CNI_PATH's file for
 * them is this same file (or one with the same trailer); see @tscni/invoke's registry.
 */

/** One plugin of a multi-call file: the name it answers to and its entry. */
export interface MultiCallEntry {
  name: string;
  entry: string;
}

/**
 * `[name=]entry.ts` specs as entries. Without a name, the entry's package names it (its
 * package name without the scope: `@tscni/loopback` -> `loopback`).
 */
export function multiCallEntries(specs: readonly string[]): MultiCallEntry[] {
  const seen = new Set<string>();
  return specs.map((spec) => {
    const eq = spec.indexOf("=");
    const named = eq > 0 && isPluginName(spec.slice(0, eq));
    const entry = resolve(named ? spec.slice(eq + 1) : spec);
    if (!existsSync(entry)) throw new Error(`--multi ${spec}: no such entry ${entry}`);
    const pkgName = nearestPackage(entry)?.pkg.name;
    const name = named ? spec.slice(0, eq) : pkgName?.slice(pkgName.lastIndexOf("/") + 1);
    if (!name || !isPluginName(name)) throw new Error(`--multi ${spec}: its package gives it no plugin name; name it: NAME=${spec}`);
    if (seen.has(name)) throw new Error(`--multi ${spec}: two entries named "${name}"`);
    seen.add(name);
    return { name, entry };
  });
}

/** The package an entry runs: its identity for the trailer (none without a version), and where it is. */
function packageOf(e: MultiCallEntry): { identity?: string; dir?: string; pkg?: PackageJson } {
  const found = nearestPackage(e.entry);
  if (!found) return {};
  const { name, version } = found.pkg;
  return { ...(name && version ? { identity: identityOf(name, version) } : {}), dir: found.dir, pkg: found.pkg };
}

/**
 * What this file runs in-process when asked to delegate: every plugin it holds whose package
 * exports `plugin` (under its name, also when CNI_PATH's file is this very file), plus the
 * delegates each entry's package.json embeds. A type held or embedded at two versions is refused.
 */
async function registrations(entries: readonly MultiCallEntry[], conditions: readonly string[]): Promise<Registration[]> {
  const byType = new Map<string, Registration>();
  const held = new Map(entries.map((e) => [e.name, packageOf(e)]));
  for (const [name, p] of held) {
    const module = p.dir && p.pkg ? exportedModule(p.dir, p.pkg, ".", conditions) : undefined;
    if (module && (await moduleExports(module)).includes("plugin")) byType.set(name, { type: name, ...(p.identity ? { identity: p.identity } : {}), module, file: true });
  }
  for (const e of entries) {
    const { specs, from } = embedSpecs(e.entry);
    for (const emb of resolveEmbeds(e.entry, specs, from, conditions)) {
      const other = held.has(emb.type) ? held.get(emb.type)!.identity : byType.get(emb.type)?.identity;
      if ((held.has(emb.type) || byType.has(emb.type)) && other !== emb.identity)
        throw new Error(`${e.entry} embeds ${emb.type} as ${emb.identity}, but this file also has ${emb.type} as ${other ?? "a package without a version"}`);
      // Held under that name: this very file runs it, so a CNI_PATH entry that is this file counts too.
      if (!byType.has(emb.type)) byType.set(emb.type, { ...emb, file: held.has(emb.type) });
    }
  }
  return [...byType.values()];
}

/**
 * Write the dispatcher entry for `entries` into `workDir` and bundle it; the standalone compiles
 * the same entry. `conditions`: the bundlers' export conditions (default: defaultConditions()).
 */
export async function prepareMultiCall(entries: readonly MultiCallEntry[], workDir: string, conditions: readonly string[] = defaultConditions()): Promise<PreparedEntry> {
  if (entries.length === 0) throw new Error("--multi needs at least one entry");
  const dirs = entries.map((e) => dirname(e.entry));
  const dispatcher = reachableModule("@tscni/skel", "./multi-call", dirs, conditions);
  if (!dispatcher) throw new Error("--multi: none of the entries reaches @tscni/skel with a ./multi-call export (the dispatcher)");
  const registry = registryModule(dirs, conditions);
  // Nothing here can delegate through @tscni/invoke when no entry reaches it: nothing to register.
  const regs = registry ? await registrations(entries, conditions) : [];
  mkdirSync(workDir, { recursive: true });
  const lines = [
    "// Generated by tscni-build --multi: one plugin per name; only the one called is loaded.",
    `import { multiCallMain${regs.length ? ", ownExecutable" : ""} } from ${JSON.stringify(dispatcher)};`,
    ...(regs.length
      ? [`import { registerEmbedded } from ${JSON.stringify(registry)};`, "const file = ownExecutable();", ...registrationLines(regs, workDir)]
      : []),
    "multiCallMain({",
    ...entries.map((e) => `  ${JSON.stringify(e.name)}: () => import(${JSON.stringify(e.entry)}),`),
    "});",
  ];
  const source = join(workDir, "main.ts");
  writeIfChanged(source, `${lines.join("\n")}\n`, 0o644);
  return {
    source,
    embedded: regs.map((r) => r.type),
    conditions,
    bundle: await bundleForNode(source, { conditions }),
    trailer: multiIdentityLine(entries.map((e): HeldPlugin => {
      const identity = packageOf(e).identity;
      return identity ? { name: e.name, identity } : { name: e.name };
    })),
    held: entries.map((e) => e.name),
  };
}

/** Build a multi-call executable from `[name=]entry.ts` specs (tscni-build --multi). */
export async function buildMultiCall(specs: readonly string[], opts: BuildOptions): Promise<BuildResult> {
  const entries = multiCallEntries(specs);
  return writeExecutable(undefined, opts, (workDir) => prepareMultiCall(entries, workDir, opts.conditions ?? defaultConditions()));
}
