// Runs fuzz cases for one plugin inside the sandbox host netns (spawned by fuzz.test.ts via
// `ip netns exec`). Prints one JSON summary line on stdout. Most cases run in-process through
// skel's dispatch (fast), a share through the standalone executable. A case's outcome depends
// only on its seed and index: which runner it gets follows from the index, and every case
// starts from the same baseline (state files are cleared after each one).
import { existsSync, mkdirSync, readdirSync, rmSync, statSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import type { Plugin } from "@tscni/skel";
import { exec, execEnv, execOk, runExecutable, runInProcess } from "@tscni/testing";
import { fuzzCases, type FuzzWorld, type PluginName } from "./lib/gen.js";
import { assertSandboxed, safeNetnsValue } from "./lib/guard.js";
import { attachmentLines, diffState, snapshot, type HostState } from "./lib/host-state.js";
import { afterSuccess, errorCode, violation } from "./lib/outcome.js";
import type { FuzzWindow } from "./lib/run-seeds.js";

export interface FuzzArgs {
  plugin: PluginName;
  /** Which cases of which seeds to run. */
  windows: FuzzWindow[];
  execShare: number;
  executable: string;
  world: FuzzWorld;
  containerNs: string;
  parentNet: number;
  parentMnt: number;
}

export interface Finding {
  kind: "violation" | "changed-after-error" | "shared-after-error" | "residue-after-cleanup" | "changed-after-success" | "changed-by-read-only-verb";
  /** The case: seed and index replay it (lib/run-seeds.ts fuzzReplay). */
  seed: number;
  index: number;
  viaExec: boolean;
  detail: string;
  env: Record<string, string>;
  stdin: string;
  stdout: string;
}

export interface FuzzSummary {
  plugin: PluginName;
  windows: FuzzWindow[];
  cases: number;
  inProcess: number;
  executable: number;
  skipped: number;
  succeeded: Record<string, number>;
  codes: Record<string, number>;
  violations: number;
  changedAfterError: number;
  /** Errors after which only network-level state (bridge, gateway, records) was left. */
  sharedAfterError: number;
  /** Attachment state left after errors of a known, reported bug. */
  knownBugs: Record<string, number>;
  /** Code 999 answers that are reported failures (kernel refusals), by first words of msg. */
  internal: Record<string, number>;
  residue: number;
  /** Host changes after a successful ADD/DEL/GC/INIT/DEINIT other than residue: reported. */
  changedAfterSuccess: number;
  /** Host changes after a successful VERSION, CHECK or STATUS, which must change nothing: failures. */
  changedByReadOnly: number;
  findings: Finding[];
}

const args = JSON.parse(process.env.THD_FUZZ ?? "{}") as FuzzArgs;
assertSandboxed(args.parentNet, args.parentMnt);

/**
 * Known plugin bugs (README "Findings"), matched on the error they end with: counted and
 * reported, not failed on, so that anything new still fails. Every finding so far is
 * fixed, so the list is empty: a regression fails the fuzz test.
 */
const KNOWN: Array<[string, RegExp]> = [];
const knownBug = (stdout: string): string | undefined => KNOWN.find(([, re]) => re.test(stdout))?.[0];

const STATE_ROOTS = [args.world.work, "/var/lib/cni"];

async function loadPlugin(name: PluginName): Promise<Plugin> {
  if (name === "loopback") return (await import("../../plugins/loopback/src/index.js")).loopbackPlugin as Plugin;
  if (name === "host-local") return (await import("../../plugins/host-local/src/index.js")).plugin as unknown as Plugin;
  return (await import("../../plugins/bridge/src/index.js")).bridgePlugin as unknown as Plugin;
}

/** Default state locations (/var/lib/cni/...) go to a tmpfs private to this mount namespace. */
async function privateVarLibCni(): Promise<void> {
  const target = existsSync("/var/lib/cni") ? "/var/lib/cni" : "/var/lib";
  await execOk(["mount", "-t", "tmpfs", "-o", "size=64m,mode=0755", "thd-fuzz", target]);
}

async function clearNetns(ns: string | undefined): Promise<void> {
  const ip = ns ? ["ip", "-n", ns] : ["ip"];
  const r = await execOk([...ip, "-o", "link", "show"]);
  const names = r.stdout
    .split("\n")
    .map((l) => /^\d+: ([^:@]+)/.exec(l)?.[1])
    .filter((n): n is string => !!n && n !== "lo");
  for (const n of names) await exec([...ip, "link", "del", n]);
  await execOk([...ip, "link", "set", "lo", "up"]); // loopback's DEL takes it down
  await execOk(ns ? ["ip", "netns", "exec", ns, "nft", "flush", "ruleset"] : ["nft", "flush", "ruleset"]);
}

/** Empty state dirs (resolv.conf stays): cheap, done after every case. */
function clearFiles(): void {
  for (const root of STATE_ROOTS) {
    if (!existsSync(root)) continue;
    for (const n of readdirSync(root)) if (n !== "resolv.conf") rmSync(join(root, n), { recursive: true, force: true });
  }
}

/** Back to the baseline: no links but lo, empty ruleset, empty state dirs. */
async function restore(): Promise<void> {
  await clearNetns(undefined);
  await clearNetns(args.containerNs);
  clearFiles();
}

const snap = () => snapshot([undefined, args.containerNs], STATE_ROOTS);

async function main(): Promise<void> {
  await privateVarLibCni();
  mkdirSync(args.world.work, { recursive: true });
  writeFileSync(join(args.world.work, "resolv.conf"), "nameserver 10.77.0.1\nsearch example.test\n");
  process.chdir(args.world.work);
  const plugin = await loadPlugin(args.plugin);
  const ours = new Set([statSync(args.world.containerNetns).ino, statSync("/proc/self/ns/net").ino]);

  await restore();
  const baseline = await snap();
  const sum: FuzzSummary = {
    plugin: args.plugin, windows: args.windows, cases: 0, inProcess: 0, executable: 0, skipped: 0, succeeded: {}, codes: {},
    violations: 0, changedAfterError: 0, sharedAfterError: 0, knownBugs: {}, internal: {}, residue: 0, changedAfterSuccess: 0,
    changedByReadOnly: 0, findings: [],
  };

  const every = Math.max(1, Math.round(1 / args.execShare));
  // Both runners hand the plugin execEnv(env), what an exec delivers (a NUL ends a value): the
  // raw case env goes to them, so a runner that did not would show (seed 1154963031, case 250).
  const run = async (env: Record<string, string>, stdin: string, viaExec: boolean) => {
    if (viaExec) {
      const r = await runExecutable(args.executable, { env, stdin, timeoutMs: 30_000 });
      return { stdout: r.stdout, stderr: r.stderr, exitCode: r.exitCode, signal: r.signal, timedOut: r.timedOut };
    }
    let timer: NodeJS.Timeout | undefined;
    const hang = new Promise<{ stdout: string; exitCode: number | null; timedOut: boolean }>((res) => {
      timer = setTimeout(() => res({ stdout: "", exitCode: null, timedOut: true }), 30_000);
    });
    try {
      return await Promise.race([runInProcess(plugin, { env, stdin }).then((r) => ({ ...r, timedOut: false })), hang]);
    } finally {
      clearTimeout(timer);
    }
  };

  type Note = (f: Pick<Finding, "kind" | "detail" | "stdout">) => void;

  /** One case, classified; the caller clears the state files after it. */
  const runCase = async (env: Record<string, string>, stdin: string, viaExec: boolean, note: Note): Promise<void> => {
    const verb = execEnv(env).CNI_COMMAND;
    const r = await run(env, stdin, viaExec);
    let bad = violation(verb, r);
    const knownViolation = bad ? knownBug(r.stdout) : undefined;
    if (knownViolation) {
      sum.knownBugs[knownViolation] = (sum.knownBugs[knownViolation] ?? 0) + 1;
      bad = undefined;
    }
    if (bad) {
      sum.violations++;
      note({ kind: "violation", detail: bad, stdout: r.stdout });
    }
    if (r.exitCode !== 0) {
      const code = errorCode(r.stdout);
      if (code === 999 && !bad) {
        const key = (JSON.parse(r.stdout).msg as string).replace(/[0-9a-f]{8,}|\S{40,}/g, "…").slice(0, 60);
        sum.internal[key] = (sum.internal[key] ?? 0) + 1;
      }
      sum.codes[String(code ?? "none")] = (sum.codes[String(code ?? "none")] ?? 0) + 1;
      const d = diffState(baseline, await snap());
      if (d !== "") {
        const leaked = attachmentLines(d);
        const known = leaked.length > 0 ? knownBug(r.stdout) : undefined;
        if (known) {
          sum.knownBugs[known] = (sum.knownBugs[known] ?? 0) + 1;
        } else if (leaked.length > 0) {
          sum.changedAfterError++;
          note({ kind: "changed-after-error", detail: leaked.join("\n").slice(0, 3000), stdout: r.stdout });
        } else {
          sum.sharedAfterError++;
          if (sum.sharedAfterError <= 3) note({ kind: "shared-after-error", detail: d.slice(0, 1500), stdout: r.stdout });
        }
        await restore();
      }
      return;
    }
    sum.succeeded[verb!] = (sum.succeeded[verb!] ?? 0) + 1;
    if (verb === "ADD" || verb === "INIT") {
      // Undo the way a runtime would: DEL (for ADD), then DEINIT, with the same config.
      if (verb === "ADD") await runInProcess(plugin, { env: { ...env, CNI_COMMAND: "DEL" }, stdin });
      const { CNI_CONTAINERID: _c, CNI_NETNS: _n, CNI_IFNAME: _i, ...lifecycleEnv } = env;
      await runInProcess(plugin, { env: { ...lifecycleEnv, CNI_COMMAND: "DEINIT" }, stdin });
    }
    const d = diffState(baseline, await snap());
    if (d === "") return;
    const found = afterSuccess(verb!, d);
    if (found) {
      const counter = { "changed-by-read-only-verb": "changedByReadOnly", "residue-after-cleanup": "residue", "changed-after-success": "changedAfterSuccess" } as const;
      sum[counter[found.kind]]++;
      note({ kind: found.kind, detail: found.lines.join("\n").slice(0, 3000), stdout: r.stdout });
    }
    await restore();
  };

  for (const win of args.windows) {
    for (const { index, case: c } of fuzzCases(args.plugin, args.world, win.seed, win.from, win.cases)) {
      const delivered = execEnv(c.env);
      if (delivered.CNI_NETNS !== undefined && !safeNetnsValue(delivered.CNI_NETNS, ours)) {
        sum.skipped++;
        continue;
      }
      // Every Nth case (by index, so a replay of one case runs it the same way) goes through
      // the real executable (startup, stdin, exit paths).
      const viaExec = index % every === 0;
      sum.cases++;
      viaExec ? sum.executable++ : sum.inProcess++;
      const note: Note = (f) => void (sum.findings.length < 25 && sum.findings.push({ ...f, seed: win.seed, index, viaExec, env: c.env, stdin: c.stdin.slice(0, 2000) }));
      try {
        await runCase(c.env, c.stdin, viaExec, note);
      } finally {
        clearFiles();
      }
    }
  }
  const end = await snap();
  const left = diffState(baseline, end);
  if (left !== "") throw new Error(`sandbox did not return to baseline:\n${left}`);
  await restore();
  process.stdout.write(JSON.stringify(sum) + "\n");
}

main().catch((e) => {
  process.stderr.write(`fuzz worker failed: ${(e as Error).stack ?? e}\n`);
  process.exit(2);
});

export type { HostState };
