// `pnpm build`, first step: every published package compiled into its dist/ (ESM that plain
// node runs, .d.ts, source maps) by `tsc -p <package>/tsconfig.build.json`, dependencies
// first: each package compiles against its dependencies' dist .d.ts, as a consumer does.
// A package's `bin` files get a node shebang and mode 755.
import { spawn } from "node:child_process";
import { chmodSync, existsSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { availableParallelism } from "node:os";
import { join, relative, resolve } from "node:path";
import { pathToFileURL } from "node:url";
import { REPO_ROOT } from "../packages/build/src/dist-layout.js";

export interface PackageJson {
  name: string;
  version: string;
  private?: boolean;
  bin?: Record<string, string>;
  dependencies?: Record<string, string>;
  peerDependencies?: Record<string, string>;
  devDependencies?: Record<string, string>;
  [key: string]: unknown;
}

export interface WorkspacePackage {
  name: string;
  /** Absolute directory. */
  dir: string;
  pkg: PackageJson;
}

/** The packages this repository publishes: every packages/* and plugins/* that is not private. */
export function publishedPackages(root = REPO_ROOT): WorkspacePackage[] {
  const found: WorkspacePackage[] = [];
  for (const group of ["packages", "plugins"]) {
    for (const name of readdirSync(join(root, group)).sort()) {
      const file = join(root, group, name, "package.json");
      if (!existsSync(file)) continue;
      const pkg = JSON.parse(readFileSync(file, "utf8")) as PackageJson;
      if (!pkg.private) found.push({ name: pkg.name, dir: join(root, group, name), pkg });
    }
  }
  return found;
}

/**
 * The same packages in rounds: a package comes after every workspace package its source may
 * import (dependencies and peers; devDependencies serve its tests, which are not compiled).
 */
export function dependencyRounds(pkgs: readonly WorkspacePackage[]): WorkspacePackage[][] {
  const names = new Set(pkgs.map((p) => p.name));
  const needs = new Map(pkgs.map((p) => [p.name, new Set(Object.keys({ ...p.pkg.dependencies, ...p.pkg.peerDependencies }).filter((d) => names.has(d) && d !== p.name))]));
  const done = new Set<string>();
  const rounds: WorkspacePackage[][] = [];
  while (done.size < pkgs.length) {
    const round = pkgs.filter((p) => !done.has(p.name) && [...needs.get(p.name)!].every((d) => done.has(d)));
    if (round.length === 0) throw new Error(`dependency cycle among ${pkgs.filter((p) => !done.has(p.name)).map((p) => p.name).join(", ")}`);
    for (const p of round) done.add(p.name);
    rounds.push(round);
  }
  return rounds;
}

function run(argv: readonly string[], cwd: string): Promise<void> {
  return new Promise((res, rej) => {
    const child = spawn(argv[0]!, argv.slice(1), { cwd, stdio: ["ignore", "pipe", "pipe"] });
    let out = "";
    child.stdout.on("data", (d: Buffer) => (out += d));
    child.stderr.on("data", (d: Buffer) => (out += d));
    child.on("error", rej);
    child.on("close", (code) => (code === 0 ? res() : rej(new Error(`${argv.join(" ")} (in ${cwd}) exited ${code}:\n${out}`))));
  });
}

const SHEBANG = "#!/usr/bin/env node\n";

/** A compiled bin file starts with a node shebang (its source map shifted by the added line) and is executable. */
function finishBin(file: string): void {
  const code = readFileSync(file, "utf8");
  if (!code.startsWith("#!")) {
    writeFileSync(file, SHEBANG + code);
    const map = `${file}.map`;
    if (existsSync(map)) {
      const m = JSON.parse(readFileSync(map, "utf8")) as { mappings: string };
      writeFileSync(map, JSON.stringify({ ...m, mappings: `;${m.mappings}` }));
    }
  }
  chmodSync(file, 0o755);
}

/** Compile one package: a fresh dist/ (nothing stale ships), then its bin files finished. */
export async function compilePackage(p: WorkspacePackage, root = REPO_ROOT): Promise<void> {
  rmSync(join(p.dir, "dist"), { recursive: true, force: true });
  await run([join(root, "node_modules", ".bin", "tsc"), "-p", join(p.dir, "tsconfig.build.json")], p.dir);
  for (const target of Object.values(p.pkg.bin ?? {})) {
    const file = join(p.dir, target);
    if (!existsSync(file)) throw new Error(`${p.name}: bin ${target} was not compiled`);
    finishBin(file);
  }
}

/** Compile every published package (or those named), dependencies first, `concurrency` at a time within a round. */
export async function compilePackages(opts: { root?: string; only?: readonly string[]; concurrency?: number; log?: (line: string) => void } = {}): Promise<void> {
  const root = opts.root ?? REPO_ROOT;
  const limit = opts.concurrency ?? Math.max(1, availableParallelism());
  for (const round of dependencyRounds(publishedPackages(root))) {
    const todo = round.filter((p) => !opts.only?.length || opts.only.includes(p.name));
    let next = 0;
    const worker = async () => {
      while (next < todo.length) {
        const p = todo[next++]!;
        const t0 = performance.now();
        await compilePackage(p, root);
        opts.log?.(`compiled ${p.name.padEnd(22)} ${(performance.now() - t0).toFixed(0).padStart(6)} ms  ${relative(root, join(p.dir, "dist"))}`);
      }
    };
    await Promise.all(Array.from({ length: Math.min(limit, todo.length) }, worker));
  }
}

if (process.argv[1] && import.meta.url === pathToFileURL(resolve(process.argv[1])).href) {
  const t0 = performance.now();
  try {
    await compilePackages({ only: process.argv.slice(2), log: (l) => console.log(l) });
    console.log(`packages compiled in ${(performance.now() - t0).toFixed(0)} ms`);
  } catch (e) {
    console.error((e as Error).message);
    process.exitCode = 1;
  }
}
