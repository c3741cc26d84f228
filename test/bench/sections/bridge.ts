// bridge + host-local ADD and DEL, ours (after INIT) and Go's side by side, with and without ipMasq.
// Everything runs inside a throwaway host netns (nsenter), never in the machine's own.
import { spawnSync } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { createNetns, deleteNetns, type Netns } from "@tscni/testing";
import { distPath } from "@tscni/testing/repo";
import { stats, type BenchCase, type BenchSection } from "../framework.js";

const GO_DIR = "/usr/lib/cni";
let host: Netns | undefined;
let container: Netns | undefined;
let dir = "";
const wall = new Map<string, number[]>(); // ADD+DEL pairs measured around the timed spawns
const summary: string[] = [];

function conf(impl: "go" | "ours", masq: boolean): string {
  const name = `bench-${impl}${masq ? "-masq" : ""}`;
  return JSON.stringify({
    cniVersion: "1.0.0", name, type: "bridge", bridge: impl === "go" ? "brgo" : "brts", isGateway: true,
    ipMasq: masq, ...(masq ? { ipMasqBackend: impl === "go" ? "iptables" : "nftables" } : {}),
    stateDir: join(dir, "state"),
    ipam: { type: "host-local", dataDir: join(dir, "ipam"), ranges: [[{ subnet: impl === "go" ? "10.201.0.0/24" : "10.202.0.0/24" }]] },
  });
}

function env(command: string, impl: "go" | "ours"): Record<string, string> {
  return {
    CNI_COMMAND: command, CNI_CONTAINERID: "bench", CNI_NETNS: container!.path, CNI_IFNAME: "eth0",
    CNI_PATH: impl === "go" ? GO_DIR : join(distPath("bridge"), ".."),
  };
}

const bin = (impl: "go" | "ours") => (impl === "go" ? join(GO_DIR, "bridge") : distPath("bridge"));
const argv = (impl: "go" | "ours") => ["nsenter", `--net=${host!.path}`, "--", bin(impl)];

function runOnce(impl: "go" | "ours", command: string, masq: boolean, extraEnv: Record<string, string> = {}): void {
  const [f, ...a] = argv(impl);
  const r = spawnSync(f!, a, { env: { PATH: process.env.PATH, ...env(command, impl), ...extraEnv }, input: conf(impl, masq) });
  if (r.status !== 0) throw new Error(`${impl} ${command}: ${r.stdout}${r.stderr}`);
}

/** execve() calls of one ADD, all processes included (strace -f). */
function countExecve(impl: "go" | "ours", masq: boolean): number | undefined {
  const out = join(dir, `strace-${impl}-${masq}`);
  const r = spawnSync("strace", ["-f", "-qq", "-e", "trace=execve", "-o", out, ...argv(impl)], {
    env: { PATH: process.env.PATH, ...env("ADD", impl) }, input: conf(impl, masq),
  });
  if (r.error || r.status !== 0) return undefined;
  const n = readFileSync(out, "utf8").split("\n").filter((l) => /execve\(/.test(l) && !/ENOENT/.test(l)).length;
  runOnce(impl, "DEL", masq);
  return n - 2; // minus nsenter and the plugin itself
}

const CPU_PAIRS = 20;
/** User+system CPU of reaped children so far, ms (/proc/self/stat cutime+cstime, 100 Hz ticks). */
function childCpuMs(): number {
  const stat = readFileSync("/proc/self/stat", "utf8");
  const f = stat.slice(stat.lastIndexOf(")") + 2).split(" "); // f[0] is field 3
  return (Number(f[13]) + Number(f[14])) * 10; // cutime, cstime: fields 16 and 17
}
/** CPU of one ADD+DEL pair, averaged over CPU_PAIRS (ticks are coarse; the sum is not). */
function cpuPerPair(impl: "go" | "ours", masq: boolean): number {
  const t0 = childCpuMs();
  for (let i = 0; i < CPU_PAIRS; i++) {
    runOnce(impl, "ADD", masq);
    runOnce(impl, "DEL", masq);
  }
  return (childCpuMs() - t0) / CPU_PAIRS;
}

function pair(impl: "go" | "ours", masq: boolean): BenchCase[] {
  const key = `${impl}${masq ? " ipMasq" : ""}`;
  const label = impl === "go" ? "Go bridge+host-local" : "tscni bridge+host-local";
  let t0 = 0n;
  const mark = () => void (t0 = process.hrtime.bigint());
  const take = () => {
    const ms = Number(process.hrtime.bigint() - t0) / 1e6;
    const l = wall.get(key) ?? [];
    l.push(ms);
    wall.set(key, l);
  };
  let addMs = 0;
  return [
    {
      name: `${label}${masq ? " ipMasq" : ""} ADD`, argv: argv(impl), env: env("ADD", impl), stdin: conf(impl, masq),
      before: mark, after: () => { addMs = Number(process.hrtime.bigint() - t0) / 1e6; runOnce(impl, "DEL", masq); },
    },
    {
      name: `${label}${masq ? " ipMasq" : ""} DEL`, argv: argv(impl), env: env("DEL", impl), stdin: conf(impl, masq),
      before: () => { runOnce(impl, "ADD", masq); mark(); }, after: () => { take(); const l = wall.get(key)!; l[l.length - 1]! += addMs; },
    },
  ];
}

export const section: BenchSection = {
  id: "bridge",
  title: "bridge + host-local ADD / DEL: tscni (after INIT) vs Go v1.1.1",
  baseline: "Go bridge+host-local ADD",
  runs: 30,
  warmup: 3,
  notes: [
    "each ADD is followed by an untimed DEL and each DEL preceded by an untimed ADD; both run via nsenter in a throwaway host netns",
    "ipMasq: Go uses iptables (its default); ours after INIT uses the per-network nftables set, so ADD/DEL exec no firewall tool",
    "ADD+DEL pair medians, ratios and execs per ADD are printed below",
    "floor rows: VERSION, i.e. only the process start and exit that each ADD and each DEL pays",
  ],
  async setup() {
    dir = mkdtempSync(join(tmpdir(), "tbp-bench-"));
    host = await createNetns("tbp-", "bh");
    container = await createNetns("tbp-", "bc");
    // INIT ours (Go's has no INIT): shared state out of the hot path.
    for (const masq of [false, true]) runOnce("ours", "INIT", masq);
    const execs: string[] = [];
    for (const impl of ["go", "ours"] as const) {
      for (const masq of [false, true]) {
        const n = countExecve(impl, masq);
        execs.push(`${impl}${masq ? " ipMasq" : ""}: ${n ?? "?"}`);
      }
    }
    const statsFile = join(dir, "exec-stats");
    runOnce("ours", "ADD", true, { TSCNI_EXEC_STATS: statsFile });
    runOnce("ours", "DEL", true);
    summary.push(`execve per ADD (strace -f, IPAM plugin included): ${execs.join(", ")}`);
    const cpu: string[] = [];
    for (const masq of [false, true]) for (const impl of ["go", "ours"] as const) cpu.push(`${impl}${masq ? " ipMasq" : ""} ${cpuPerPair(impl, masq).toFixed(1)}`);
    summary.push(`CPU ms per ADD+DEL pair (user+sys of every process, ${CPU_PAIRS} pairs; what a loaded node pays): ${cpu.join(", ")}`);
    summary.push(`tscni net execs in one ipMasq ADD (TSCNI_EXEC_STATS): ${readFileSync(statsFile, "utf8").trim()}`);
    writeFileSync(join(dir, "ok"), "");
    // The floor under any work: one process start and exit (a pair has two), same harness.
    const floor = (impl: "go" | "ours"): BenchCase => ({ name: `floor: ${impl === "go" ? "Go" : "tscni"} bridge VERSION`, argv: argv(impl), env: env("VERSION", impl), stdin: "" });
    return [...pair("go", false), ...pair("ours", false), ...pair("go", true), ...pair("ours", true), floor("go"), floor("ours")];
  },
  async teardown() {
    const med = (k: string) => stats(k, wall.get(k) ?? []).median;
    console.log("  ADD+DEL pairs (median ms, ours/Go):");
    for (const m of ["", " ipMasq"]) {
      const go = med(`go${m}`);
      const ours = med(`ours${m}`);
      console.log(`    ${(m.trim() || "no masq").padEnd(8)} Go ${go.toFixed(1)}  tscni ${ours.toFixed(1)}  ratio ${(ours / go).toFixed(2)}x`);
    }
    for (const s of summary) console.log(`  ${s}`);
    wall.clear();
    summary.length = 0;
    try {
      for (const masq of [false, true]) runOnce("ours", "DEINIT", masq);
    } finally {
      if (container) await deleteNetns(container.name);
      if (host) await deleteNetns(host.name);
      rmSync(dir, { recursive: true, force: true });
    }
  },
};
