// The four ways the fixture plugin runs in these tests; every case runs in each.
import { executableRunners, runInProcess, type PluginRun, type RunPluginOptions } from "@tscni/testing";
import { fixturePlugin } from "../fixture-plugin/src/index.js";

export interface Mode {
  name: string;
  executable: boolean;
  run(opts: RunPluginOptions): Promise<Pick<PluginRun, "stdout" | "stderr" | "exitCode" | "json"> & { timedOut?: boolean }>;
}

export const FIXTURE = "tscni-fixture";

export async function allModes(): Promise<Mode[]> {
  const exes = await executableRunners(FIXTURE);
  return [
    { name: "in-process", executable: false, run: (o) => runInProcess(fixturePlugin, o) },
    ...exes.map((r) => ({ name: r.name, executable: true, run: (o: RunPluginOptions) => r.run({ timeoutMs: 20_000, ...o }) })),
  ];
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
