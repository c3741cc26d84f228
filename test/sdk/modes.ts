// The four ways the fixture plugin runs in these tests; every case runs in each.
import { exec, runInProcess, type PluginRun, type RunPluginOptions } from "@tscni/testing";
import { bunBinary, distPath, executableRunners } from "@tscni/testing/repo";
import { fixturePlugin } from "../fixture-plugin/src/index.js";

export interface Mode {
  name: string;
  executable: boolean;
  /** How an executable mode is exec'd (undefined in-process). */
  argv?: string[];
  run(opts: RunPluginOptions): Promise<Pick<PluginRun, "stdout" | "stderr" | "exitCode" | "json"> & { timedOut?: boolean }>;
}

export const FIXTURE = "tscni-fixture";

export async function allModes(): Promise<Mode[]> {
  const exes = await executableRunners(FIXTURE);
  const argv: Record<string, string[]> = {
    standalone: [distPath(FIXTURE)],
    "node-bundle@node": [process.execPath, distPath(FIXTURE, "node")],
    "node-bundle@bun": [bunBinary(), distPath(FIXTURE, "node")],
  };
  return [
    { name: "in-process", executable: false, run: (o) => runInProcess(fixturePlugin, o) },
    ...exes.map((r) => ({ name: r.name, executable: true, argv: argv[r.name], run: (o: RunPluginOptions) => r.run({ timeoutMs: 20_000, ...o }) })),
  ];
}

/**
 * Run an executable mode with fd 0 redirected by sh: "closed" (no stdin at all) or a
 * directory (every read fails with EISDIR). Only the env given, plus PATH.
 */
export function runWithStdin(mode: Mode, stdin: "closed" | "directory", env: Record<string, string>) {
  const redirect = stdin === "closed" ? 'exec "$@" <&-' : 'exec "$@" </';
  return exec(["sh", "-c", redirect, "sh", ...mode.argv!], { env: { PATH: process.env.PATH, ...env }, timeoutMs: 20_000 });
}

/** Env for a container verb; override or drop (undefined) single variables. */
export function cniEnv(command: string, over: Record<string, string | undefined> = {}): Record<string, string | undefined> {
  return {
    CNI_COMMAND: command,
    CNI_CONTAINERID: "ctr-0123",
    CNI_NETNS: "/var/run/netns/tb-does-not-exist",
    CNI_IFNAME: "eth0",
    CNI_PATH: "/opt/cni/bin:/usr/lib/cni",
    ...over,
  };
}

/** A config for the fixture; `fixture` keys merged in. */
export function conf(cniVersion = "1.1.0", extra: Record<string, unknown> = {}): Record<string, unknown> {
  return { cniVersion, name: "tb-net", type: "tscni-fixture", ...extra };
}

/** The one JSON value on stdout (and nothing else). */
export function stdoutJson(r: { stdout: string }): unknown {
  return JSON.parse(r.stdout.trim());
}

/** Lines the fixture echoes on stderr ("FIXTURE {json}"). */
export function echoes(r: { stderr: string }): Array<Record<string, unknown>> {
  return r.stderr
    .split("\n")
    .filter((l) => l.includes("FIXTURE "))
    .map((l) => JSON.parse(l.slice(l.indexOf("FIXTURE ") + 8)) as Record<string, unknown>);
}
