// Measures what importing @tscni/types costs a freshly exec'd plugin:
// bundles src/index.ts with esbuild (as tscni-build does), then runs node N times and
// reports the median wall time of `await import(bundle)` and of the module body alone.
// Usage: node packages/types/bench/import-cost.mjs [runs]
import { build } from "esbuild";
import { execFileSync } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";

const runs = Number(process.argv[2] ?? 21);
const dir = mkdtempSync(join(tmpdir(), "tscni-types-bench-"));
try {
  const entry = new URL("../src/index.ts", import.meta.url).pathname;
  // What skel (and so every plugin) takes from this package.
  writeFileSync(join(dir, "skel-subset.ts"), `export { ALL_VERSIONS, CURRENT_VERSION, CniError, ErrorCode, convertResult, isCniError, parseCniArgs, parseWith, toCurrentResult, netConfSchema, compareVersions } from ${JSON.stringify(entry)};\n`);
  const bundle = async (from, out) => {
    const res = await build({
      entryPoints: [from], bundle: true, platform: "node", format: "esm", write: true,
      outfile: join(dir, out), metafile: true,
      banner: { js: "const __bodyStart = performance.now();" },
      footer: { js: "globalThis.__bodyMs = performance.now() - __bodyStart;" },
    });
    return Object.values(res.metafile.outputs)[0].bytes;
  };
  const bytes = await bundle(entry, "types.mjs");
  const subsetBytes = await bundle(join(dir, "skel-subset.ts"), "subset.mjs");
  writeFileSync(join(dir, "empty.mjs"), "export const x = 1;\n");
  writeFileSync(join(dir, "probe.mjs"), [
    "const t0 = performance.now();",
    "const m = await import(process.argv[2]);",
    "const t1 = performance.now();",
    // First use of a schema and a conversion, as a plugin's ADD would do.
    "if (m.parseWith) m.parseWith(m.netConfSchema, { cniVersion: '1.1.0', name: 'n', type: 'bridge' });",
    "if (m.convertResult) m.convertResult({ cniVersion: '1.1.0', ips: [{ address: '10.0.0.2/24' }] }, '0.4.0');",
    "const t2 = performance.now();",
    "process.stdout.write(JSON.stringify({ importMs: t1 - t0, bodyMs: globalThis.__bodyMs ?? 0, firstUseMs: t2 - t1 }));",
  ].join("\n"));
  // Median and minimum: on a shared 2-core box the minimum is the steadier figure.
  const median = (xs) => xs.sort((a, b) => a - b)[Math.floor(xs.length / 2)];
  const min = (xs) => Math.min(...xs);
  const sample = (target) => {
    const rows = [];
    for (let i = 0; i < runs; i++) rows.push(JSON.parse(execFileSync(process.execPath, [join(dir, "probe.mjs"), target], { encoding: "utf8" }) || "{}"));
    const stat = (k) => `${median(rows.map((r) => r[k])).toFixed(2)} (min ${min(rows.map((r) => r[k])).toFixed(2)})`;
    return { importMs: stat("importMs"), bodyMs: stat("bodyMs"), firstUseMs: stat("firstUseMs") };
  };
  const empty = sample(join(dir, "empty.mjs"));
  const types = sample(join(dir, "types.mjs"));
  const subset = sample(join(dir, "subset.mjs"));
  console.log(`bundles: whole package ${bytes} bytes, skel's subset ${subsetBytes} bytes; ${runs} runs, median (min) in ms`);
  console.log(`empty module: import ${empty.importMs}`);
  console.log(`whole package: import ${types.importMs}, of which module body ${types.bodyMs}; first parseWith+convertResult ${types.firstUseMs}`);
  console.log(`skel's subset: import ${subset.importMs}, of which module body ${subset.bodyMs}; first parseWith+convertResult ${subset.firstUseMs}`);
} finally {
  rmSync(dir, { recursive: true, force: true });
}
