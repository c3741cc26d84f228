// Runs under Bun: `bun module-marks-bun.ts ENTRY OUTFILE --splitting|--no-splitting [CONDITION...]`
// compiles ENTRY (export conditions as the prepared entry resolved them) like the
// standalone target (compile, minify, bytecode, no autoload; ESM chunks per dynamic import with
// --splitting, as multi-call files are built) with one line added at the top of every
// module, `console.error("tscni-module <path>")`: the executable then reports each module as
// it is evaluated. The bundler sees the same module graph, so what is lazy stays lazy.
declare const Bun: {
  build(o: unknown): Promise<{ success: boolean; logs: unknown[] }>;
  file(path: string): { text(): Promise<string> };
};

export {};

const [entry, outfile, split, ...conditions] = process.argv.slice(2);
const loaders: Record<string, string> = { ts: "ts", js: "js", mjs: "js", cjs: "js" };
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
      setup(b: { onLoad(o: { filter: RegExp }, f: (a: { path: string }) => Promise<{ contents: string; loader: string }>): void }) {
        b.onLoad({ filter: /\.[cm]?[jt]s$/ }, async ({ path }) => ({
          contents: `console.error(${JSON.stringify(`tscni-module ${path}`)});\n${await Bun.file(path).text()}`,
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
