// The multi-call file (dist/bin/tscni-plugins) against the floors: a Bun hello world compiled
// with our flags (BUN_FLAGS) and Go's loopback VERSION, in the same run as the plugin rows.
// multi-call/version: VERSION of every plugin through a name of the multi-call file.
// multi-call/footprint: peak RSS of loopback and bridge ADD against the hello world, and sizes.
// Plugins run inside throwaway netns (nsenter), never in the machine's own.
import { spawnSync } from "node:child_process";
import { linkSync, mkdirSync, mkdtempSync, rmSync, statSync, symlinkSync } from "node:fs";
import { dirname, join } from "node:path";
import { createNetns, deleteNetns, type Netns } from "@tscni/testing";
import { distPath } from "@tscni/testing/repo";
import { stats, type BenchCase, type BenchSection, type CaseStats } from "../framework.js";
import { floorProgram, helloWorld } from "../floors.js";

const GO = "/usr/lib/cni";
const PLUGINS = ["bridge", "cluster-ipam", "host-local", "loopback"];
const HELLO = "floor: Bun hello world (our flags)";
const GO_VERSION = "floor: Go loopback VERSION";
const MIN_VERSION = "floor: minimal Bun VERSION (read(2), write(2))";
const MIN_LOOPBACK = "floor: minimal Bun loopback ADD";
const multiRow = (name: string) => `tscni ${name} VERSION (multi-call)`;

/** A work dir on dist's filesystem (hard links to the multi-call file), the hello world, and a dir of plugin names. */
interface Work {
  dir: string;
  hello: string;
  minLoopback: string;
  bin: string;
}
let work: Work | undefined;

async function prepare(): Promise<Work> {
  const multi = distPath("tscni-plugins");
  const dir = mkdtempSync(join(dirname(dirname(multi)), ".bench-multi-"));
  const hello = await helloWorld();
  const bin = join(dir, "bin");
  mkdirSync(bin);
  // As `tscni install` places them: hard links (a symlink where the filesystem refuses).
  for (const n of PLUGINS) {
    try {
      linkSync(multi, join(bin, n));
    } catch {
      symlinkSync(multi, join(bin, n));
    }
  }
  return { dir, hello, minLoopback: await floorProgram("min-loopback"), bin };
}

async function cleanup(): Promise<void> {
  if (work) rmSync(work.dir, { recursive: true, force: true });
  work = undefined;
}

const ratio = (a: CaseStats | undefined, b: CaseStats | undefined) => (a && b ? a.median / b.median : NaN);

const versionSection: BenchSection = {
  id: "multi-call/version",
  title: "VERSION through the multi-call file vs the floors (Bun hello world, Go loopback)",
  baseline: GO_VERSION,
  floor: "spawn floor (/bin/true)",
  runs: 60,
  notes: [
    "hello world: console.log(\"hello world\") built by tscni-build (bun --compile with BUN_FLAGS); the multi-call names are hard links, as tscni install makes them",
    "children get only PATH and CNI_COMMAND: NODE_EXTRA_CA_CERTS and NODE_OPTIONS are unset",
  ],
  async setup() {
    work = await prepare();
    const env = { CNI_COMMAND: "VERSION" };
    const cases: BenchCase[] = [
      { name: "spawn floor (/bin/true)", argv: ["/bin/true"], env },
      { name: HELLO, argv: [work.hello], env },
      { name: GO_VERSION, argv: [join(GO, "loopback")], env },
      { name: MIN_VERSION, argv: [await floorProgram("min-version")], env },
      ...PLUGINS.map((n): BenchCase => ({ name: multiRow(n), argv: [join(work!.bin, n)], env })),
      { name: "tscni loopback VERSION (single-plugin file)", argv: [distPath("loopback")], env },
    ];
    return cases;
  },
  summary(rows) {
    const row = (n: string) => rows.find((r) => r.name === n);
    const hello = row(HELLO);
    const lines = [`floor ratio (hello world / Go VERSION): ${ratio(hello, row(GO_VERSION)).toFixed(2)}x`];
    for (const r of rows.filter((r) => r.name.startsWith("tscni ") || r.name === MIN_VERSION)) {
      const x = ratio(r, hello);
      lines.push(`${r.name}: ${x.toFixed(2)}x the hello world${r.name.includes("multi-call") ? ` (target <= 1.15x: ${x <= 1.15 ? "met" : "missed"})` : ""}`);
    }
    return lines;
  },
  teardown: cleanup,
};

/* ---- footprint: peak RSS and sizes ---- */

let host: Netns | undefined;
let container: Netns | undefined;

const bridgeConf = (dir: string) => JSON.stringify({
  cniVersion: "1.0.0", name: "bench-mc", type: "bridge", bridge: "brmc", isGateway: true, stateDir: join(dir, "state"),
  ipam: { type: "host-local", dataDir: join(dir, "ipam"), ranges: [[{ subnet: "10.203.0.0/24" }]] },
});
const loConf = JSON.stringify({ cniVersion: "1.0.0", name: "bench-mc-lo", type: "loopback" });
const cniEnv = (command: string, ifname: string, path: string) => ({
  PATH: process.env.PATH ?? "", CNI_COMMAND: command, CNI_CONTAINERID: "bench-mc", CNI_NETNS: container!.path, CNI_IFNAME: ifname, CNI_PATH: path,
});

/** Run argv in the throwaway host netns; with `rss`, under /usr/bin/time: the child's ru_maxrss (KiB). */
function inHost(argv: string[], env: Record<string, string>, stdin: string, rss = false): number | undefined {
  const r = spawnSync("nsenter", [`--net=${host!.path}`, "--", ...(rss ? ["/usr/bin/time", "-f", "maxrss %M"] : []), ...argv], { env, input: stdin, encoding: "utf8" });
  if (r.status !== 0) throw new Error(`${argv.join(" ")} ${env.CNI_COMMAND ?? ""}: exit ${r.status}\n${r.stdout}${r.stderr}`);
  const m = /maxrss (\d+)\s*$/.exec(r.stderr);
  return m ? Number(m[1]) : undefined;
}

/** One measured call with its untimed undo (DEL after ADD, lo down before loopback ADD). */
interface RssCase {
  name: string;
  run: () => number;
}

function rssCases(w: Work): RssCase[] {
  const multiPath = w.bin;
  const singlePath = dirname(distPath("bridge"));
  const goLoDown = () => inHost([join(GO, "loopback")], cniEnv("DEL", "lo", GO), loConf);
  const lo = (name: string, bin: string, path: string): RssCase => ({
    name,
    run: () => {
      goLoDown();
      return inHost([bin], cniEnv("ADD", "lo", path), loConf, true)!;
    },
  });
  const bridge = (name: string, bin: string, path: string): RssCase => ({
    name,
    run: () => {
      const kib = inHost([bin], cniEnv("ADD", "eth0", path), bridgeConf(w.dir), true)!;
      inHost([bin], cniEnv("DEL", "eth0", path), bridgeConf(w.dir));
      return kib;
    },
  });
  return [
    { name: HELLO, run: () => inHost([w.hello], { PATH: process.env.PATH ?? "" }, "", true)! },
    { name: "Go loopback VERSION", run: () => inHost([join(GO, "loopback")], { PATH: process.env.PATH ?? "", CNI_COMMAND: "VERSION" }, "", true)! },
    lo("Go loopback ADD", join(GO, "loopback"), GO),
    lo(MIN_LOOPBACK, w.minLoopback, GO),
    lo("tscni loopback ADD (multi-call)", join(multiPath, "loopback"), multiPath),
    lo("tscni loopback ADD (single-plugin file)", distPath("loopback"), singlePath),
    bridge("tscni bridge ADD (multi-call, host-local in-process)", join(multiPath, "bridge"), multiPath),
    bridge("tscni bridge ADD (single-plugin file, host-local in-process)", distPath("bridge"), singlePath),
  ];
}

const MiB = (kib: number) => (kib / 1024).toFixed(1);
const bytesMiB = (b: number) => (b / 2 ** 20).toFixed(1);
const duBytes = (dir: string) => Number(spawnSync("du", ["-sb", dir], { encoding: "utf8" }).stdout.split("\t")[0]);

const footprintSection: BenchSection = {
  id: "multi-call/footprint",
  title: "multi-call file: peak RSS of ADD vs the Bun hello world, and sizes",
  runs: 15,
  notes: [
    "peak RSS: ru_maxrss of the plugin process (GNU time's %M, from wait4), median of the runs, interleaved; bridge after INIT, each ADD followed by an untimed DEL",
    "sizes: du -sb (hard links counted once)",
  ],
  async report() {
    work = await prepare();
    const w = work;
    host = await createNetns("tbmc-", "h");
    container = await createNetns("tbmc-", "c");
    const lines: string[] = [];
    for (const [bin, path] of [[join(w.bin, "bridge"), w.bin], [distPath("bridge"), dirname(distPath("bridge"))]] as const) inHost([bin], cniEnv("INIT", "eth0", path), bridgeConf(w.dir));
    const cases = rssCases(w);
    const samples = new Map<string, number[]>(cases.map((c) => [c.name, []]));
    const rounds = 15;
    for (let i = 0; i < rounds; i++) for (let j = 0; j < cases.length; j++) {
      const c = cases[(i + j) % cases.length]!;
      samples.get(c.name)!.push(c.run());
    }
    const med = (n: string) => stats(n, samples.get(n)!).median;
    const hello = med(HELLO);
    lines.push(`peak RSS, median of ${rounds} (MiB; delta to the hello world; target <= +4 MiB for loopback and bridge ADD through the multi-call file):`);
    for (const c of cases) {
      const m = med(c.name);
      const delta = (m - hello) / 1024;
      const target = c.name.includes("ADD (multi-call") ? `  ${delta <= 4 ? "met" : "missed"}` : "";
      lines.push(`  ${c.name.padEnd(62)} ${MiB(m).padStart(6)}  ${c.name === HELLO ? "" : `${delta >= 0 ? "+" : ""}${delta.toFixed(1)}`}${target}`);
    }
    for (const [bin, path] of [[join(w.bin, "bridge"), w.bin], [distPath("bridge"), dirname(distPath("bridge"))]] as const) inHost([bin], cniEnv("DEINIT", "eth0", path), bridgeConf(w.dir));

    const multi = statSync(distPath("tscni-plugins")).size;
    const single = statSync(distPath("loopback")).size;
    lines.push(`size: multi-call file ${bytesMiB(multi)} MiB, single-plugin loopback ${bytesMiB(single)} MiB: ${(multi / single).toFixed(3)}x (target <= 1.05x: ${multi / single <= 1.05 ? "met" : "missed"})`);
    const installed = join(w.dir, "opt-cni-bin");
    const r = spawnSync(distPath("tscni-plugins"), ["tscni", "install", "--dir", installed, "--plugins", "bridge,host-local,loopback"], { encoding: "utf8", env: { PATH: process.env.PATH ?? "" } });
    if (r.status !== 0) throw new Error(`tscni install: ${r.stdout}${r.stderr}`);
    const three = duBytes(installed);
    const go = ["bridge", "host-local", "loopback"].reduce((a, n) => a + statSync(join(GO, n)).size, 0);
    const singles = ["bridge", "host-local", "loopback"].reduce((a, n) => a + statSync(distPath(n)).size, 0);
    lines.push(`tscni install --plugins bridge,host-local,loopback puts ${bytesMiB(three)} MiB into the directory (target <= 115 MiB: ${three / 2 ** 20 <= 115 ? "met" : "missed"}); three single-plugin files: ${bytesMiB(singles)} MiB; Go's three: ${bytesMiB(go)} MiB`);
    return lines;
  },
  async teardown() {
    if (container) await deleteNetns(container.name);
    if (host) await deleteNetns(host.name);
    container = host = undefined;
    await cleanup();
  },
};

export const sections: BenchSection[] = [versionSection, footprintSection];
