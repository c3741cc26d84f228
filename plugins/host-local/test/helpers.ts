import { existsSync, lstatSync, mkdtempSync, readdirSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll } from "vitest";
import { createSandbox, runExecutable, type PluginRun, type Sandbox } from "@tscni/testing";
import { distPath } from "@tscni/testing/repo";

/** Netns and tmp-dir name prefix of host-local's tests (createSandbox({ prefix: PREFIX })). */
export const PREFIX = "th-";
/** Our standalone executable, built into dist/bin by vitest's global setup. */
export const OUR_HOST_LOCAL = distPath("host-local");
export const GO_HOST_LOCAL = "/usr/lib/cni/host-local";

/** One sandbox for the whole test file (unless `when` says no): made before its first test, removed after its last. */
export function fileSandbox(when: () => boolean = () => true): { readonly sb: Sandbox; readonly work: string } {
  let sb: Sandbox | undefined;
  beforeAll(async () => {
    if (when()) sb = await createSandbox({ prefix: PREFIX });
  });
  afterAll(async () => sb?.cleanup());
  return {
    get sb() {
      return sb!;
    },
    get work() {
      return sb!.tmpDir;
    },
  };
}

/** A fresh dir for the in-process tests, which need no netns (exec tests use their sandbox's tmpDir). */
export function tempDir(): string {
  return mkdtempSync(join(tmpdir(), `${PREFIX}hl-`));
}

export function rmrf(p: string): void {
  rmSync(p, { recursive: true, force: true });
}

export interface CallOpts {
  command: string;
  containerId?: string;
  ifname?: string;
  netns?: string;
  args?: string;
  path?: string;
}

/** A plugin run; `json` is the parsed stdout, left untyped for the tests' field access. */
export type Run = PluginRun & { json?: any };

/** The CNI_* environment of one call (runExecutable adds PATH). */
export function cniEnv(o: CallOpts): Record<string, string> {
  const env: Record<string, string> = { CNI_COMMAND: o.command, CNI_PATH: o.path ?? "/usr/lib/cni" };
  if (o.containerId !== undefined) env.CNI_CONTAINERID = o.containerId;
  if (o.ifname !== undefined) env.CNI_IFNAME = o.ifname;
  if (o.netns !== undefined) env.CNI_NETNS = o.netns;
  if (o.args !== undefined) env.CNI_ARGS = o.args;
  return env;
}

/**
 * Runs a host-local executable like a runtime (explicit env, config on stdin), always inside the
 * sandbox's host netns. `timeoutMs` SIGKILLs it after that long (the run then has signal "SIGKILL").
 */
export function call(sb: Sandbox, bin: string, o: CallOpts, conf: object | string, timeoutMs?: number): Promise<Run> {
  return runExecutable(bin, { env: cniEnv(o), stdin: conf, netns: sb.host.name, ...(timeoutMs !== undefined ? { timeoutMs } : {}) });
}

/** Reservation files (named by IP) with their content. */
export function reservations(dir: string): Record<string, string> {
  if (!existsSync(dir)) return {};
  const out: Record<string, string> = {};
  for (const n of readdirSync(dir)) {
    if (n === "lock" || n.startsWith("last_reserved_ip.") || n.startsWith(".")) continue;
    out[n] = readFileSync(join(dir, n), "utf8");
  }
  return out;
}

/** Every entry under `dir` (relative paths, dirs ending in "/") with the content of each file. */
export function fileTree(dir: string): Record<string, string> {
  const out: Record<string, string> = {};
  const walk = (rel: string): void => {
    for (const n of readdirSync(join(dir, rel)).sort()) {
      const r = rel === "" ? n : `${rel}/${n}`;
      if (lstatSync(join(dir, r)).isDirectory()) {
        out[`${r}/`] = "";
        walk(r);
      } else out[r] = readFileSync(join(dir, r), "latin1");
    }
  };
  if (existsSync(dir)) walk("");
  return out;
}

/**
 * In-flight leftovers: "."-files of the store, plus ADD markers and temp files inside the
 * owner index (.tscni-index/t-*, .w-*); the index's base and per-attachment records are not leftovers.
 */
export function tempFiles(dir: string): string[] {
  if (!existsSync(dir)) return [];
  const top = readdirSync(dir).filter((n) => n.startsWith(".") && n !== ".tscni-index");
  const idx = join(dir, ".tscni-index");
  const inner = existsSync(idx) ? readdirSync(idx).filter((n) => n.startsWith("t-") || n.startsWith(".w-")).map((n) => `.tscni-index/${n}`) : [];
  return [...top, ...inner];
}

export function netConf(dataDir: string, ipam: object, extra: object = {}, cniVersion = "1.0.0", name = "thnet"): Record<string, any> {
  return { cniVersion, name, type: "bridge", ipam: { type: "host-local", dataDir, ...ipam }, ...extra };
}
