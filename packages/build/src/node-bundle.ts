import * as esbuild from "esbuild";
import { NODE_SHEBANG } from "./options.js";

export interface NodeBundle {
  /** The complete file, shebang included. */
  code: string;
  /** Absolute paths of every source file that went in. */
  inputs: string[];
}

/**
 * An extensionless file is loaded as CommonJS or as ESM depending on the
 * nearest package.json "type" (ESM inside this repo, CJS in /opt/cni/bin).
 * The bundle is CommonJS whose only free CJS name is `require`; in ESM scope
 * this line supplies it (process.getBuiltinModule: Node >= 20.16, Bun).
 */
const REQUIRE_SHIM = 'if(typeof require>"u")globalThis.require=process.getBuiltinModule("module").createRequire(process.argv[1]);';

/**
 * Bundle an entry into one CommonJS file for Node >= 20 (also runnable by bun). No top-level
 * await in main.ts. `conditions`: export conditions to resolve besides esbuild's defaults.
 */
export function bundleForNode(entry: string, opts: { minify?: boolean; conditions?: readonly string[] } = {}): Promise<NodeBundle> {
  return bundle(entry, opts);
}

/**
 * The same bundle with the modules bun resolves ("bun" condition first, its `bun:` built-ins
 * left out): not run, but hashed as the standalone's up-to-date key, since the node bundle
 * leaves out the Bun-only files a standalone carries.
 */
export function bundleAsBunSees(entry: string, opts: { conditions?: readonly string[] } = {}): Promise<NodeBundle> {
  return bundle(entry, { ...opts, conditions: ["bun", ...(opts.conditions ?? [])], external: ["bun:*"] });
}

async function bundle(entry: string, opts: { minify?: boolean; conditions?: readonly string[]; external?: string[] }): Promise<NodeBundle> {
  const r = await esbuild.build({
    // esbuild drops its default "module" condition once custom ones are given: keep it.
    ...(opts.conditions?.length ? { conditions: [...opts.conditions, "module"] } : {}),
    ...(opts.external ? { external: opts.external } : {}),
    entryPoints: [entry],
    bundle: true,
    platform: "node",
    format: "cjs",
    target: "node20",
    minify: opts.minify ?? true,
    treeShaking: true,
    legalComments: "none",
    define: { "process.env.NODE_ENV": '"production"' },
    banner: { js: `${NODE_SHEBANG}\n${REQUIRE_SHIM}` },
    write: false,
    metafile: true,
    outfile: "out.cjs",
    logLevel: "silent",
  }).catch((e: unknown) => {
    throw new Error(`bundling ${entry} failed: ${describeEsbuildError(e)}`);
  });
  const file = r.outputFiles[0];
  if (!file) throw new Error(`esbuild produced no output for ${entry}`);
  return { code: file.text, inputs: Object.keys(r.metafile.inputs) };
}

/** esbuild's error lists file:line: text for each problem; keep that, drop the rest. */
function describeEsbuildError(e: unknown): string {
  const errors = (e as { errors?: esbuild.Message[] }).errors;
  if (!errors?.length) return (e as Error).message ?? String(e);
  return errors.map((m) => (m.location ? `${m.location.file}:${m.location.line}:${m.location.column}: ${m.text}` : m.text)).join("; ");
}

/** The names a module exports (its package's own files bundled, other packages left out). */
export async function moduleExports(module: string): Promise<string[]> {
  const r = await esbuild.build({
    entryPoints: [module], bundle: true, packages: "external", platform: "node", format: "esm",
    write: false, metafile: true, outfile: "exports.js", logLevel: "silent",
  }).catch((e: unknown) => {
    throw new Error(`reading the exports of ${module} failed: ${describeEsbuildError(e)}`);
  });
  return Object.values(r.metafile.outputs).flatMap((o) => o.exports);
}
