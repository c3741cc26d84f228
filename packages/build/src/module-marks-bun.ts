// Runs under Bun: `bun module-marks-bun.ts ENTRY OUTFILE --splitting|--no-splitting [CONDITION...]`
// compiles ENTRY (export conditions as the prepared entry resolved them) like the
// standalone target (compile, minify, bytecode, no autoload; ESM chunks per dynamic import with
// --splitting, as every standalone is built) with one line added at the top of every
// module, `console.error("tscni-module <path>")`: the executable then reports each module as
// it is evaluated. A static import of a runtime module (`node:fs`) goes through a module that
// reports `tscni-module node:fs` and re-exports it, so what loads the runtime's modules shows
// too (process.getBuiltinModule is not seen: it loads only when called). The bundler sees the
// same module graph, so what is lazy stays lazy.
declare const Bun: {
  build(o: unknown): Promise<{ success: boolean; logs: unknown[] }>;
  file(path: string): { text(): Promise<string> };
};

export {};

const [entry, outfile, split, ...conditions] = process.argv.slice(2);
const loaders: Record<string, string> = { ts: "ts", js: "js", mjs: "js", cjs: "js" };
/** A static import or re-export of a runtime module (not `import(...)`), rewritten to go through MARKED. */
const STATIC_BUILTIN = /(\bfrom\s*|\bimport\s*)(["'])(node:[a-z_/]+)\2/g;
const MARKED = "tscni-builtin";

interface PluginBuild {
  onLoad(o: { filter: RegExp; namespace?: string }, f: (a: { path: string }) => Promise<{ contents: string; loader: string }>): void;
  onResolve(o: { filter: RegExp }, f: (a: { path: string }) => { path: string; namespace: string }): void;
}
const r = await Bun.build({
  entrypoints: [entry],
  compile: { outfile, autoloadDotenv: false, autoloadBunfig: false, autoloadTsconfig: false, autoloadPackageJson: false },
  minify: true,
  bytecode: true,
  ...(conditions.length ? { conditions } : {}),
  ...(split === "--splitting" ? { format: "esm", splitting: true } : {}),
  plugins: [
    {
      name: "tscni-module-marks",
      setup(b: PluginBuild) {
        // Bun resolves `node:` specifiers before any plugin sees them: sources name MARKED:node:x instead.
        b.onResolve({ filter: new RegExp(`^${MARKED}:`) }, ({ path }) => ({ path: path.slice(MARKED.length + 1), namespace: MARKED }));
        // Named re-exports: Bun 1.4.5 bundles `export * from "node:x"` into a reference to nothing.
        b.onLoad({ filter: /.*/, namespace: MARKED }, async ({ path }) => ({
          contents: [
            `import * as m from ${JSON.stringify(path)};`,
            `console.error(${JSON.stringify(`tscni-module ${path}`)});`,
            `export const { ${Object.keys(await import(path)).filter((k) => k !== "default").join(", ")} } = m;`,
            "export default m.default;",
          ].join("\n"),
          loader: "js",
        }));
        b.onLoad({ filter: /\.[cm]?[jt]s$/ }, async ({ path }) => ({
          contents: `console.error(${JSON.stringify(`tscni-module ${path}`)});\n${(await Bun.file(path).text()).replace(STATIC_BUILTIN, `$1$2${MARKED}:$3$2`)}`,
          loader: loaders[path.slice(path.lastIndexOf(".") + 1)] ?? "js",
        }));
      },
    },
  ],
});
if (!r.success) {
  console.error(r.logs.map(String).join("\n"));
  process.exit(1);
}
