import { spawn, spawnSync, type ChildProcess } from "node:child_process";
import { mkdtempSync, readdirSync, readFileSync, rmSync, existsSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { randomBytes } from "node:crypto";

const ROOT = resolve(import.meta.dirname, "../../..");
export const GO_HOST_LOCAL = "/usr/lib/cni/host-local";

/** Builds the standalone executable once per test file (or uses TSCNI_HOST_LOCAL_BIN). */
export function buildHostLocal(outDir: string): string {
  const given = process.env.TSCNI_HOST_LOCAL_BIN;
  if (given) return given;
  const out = join(outDir, "host-local");
  const r = spawnSync(join(ROOT, "node_modules/.bin/bun"), ["build", "--compile", join(ROOT, "plugins/host-local/src/main.ts"), "--outfile", out], {
    encoding: "utf8",
  });
  if (r.status !== 0) throw new Error(`bun build failed: ${r.stderr}`);
  return out;
}

export function tempDir(): string {
  return mkdtempSync(join(tmpdir(), "th-hl-"));
}

/** A throwaway netns named th-<random>, only used as a CNI_NETNS path. */
export function makeNetns(): { name: string; path: string; remove: () => void } {
  const name = `th-${randomBytes(4).toString("hex")}`;
  const r = spawnSync("ip", ["netns", "add", name], { encoding: "utf8" });
  if (r.status !== 0) throw new Error(`ip netns add ${name}: ${r.stderr}`);
  return { name, path: `/var/run/netns/${name}`, remove: () => void spawnSync("ip", ["netns", "del", name]) };
}

export interface Run {
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
  json: any;
}

export interface CallOpts {
  command: string;
  containerId?: string;
  ifname?: string;
  netns?: string;
  args?: string;
  path?: string;
}

export function cniEnv(o: CallOpts): Record<string, string> {
  const env: Record<string, string> = { PATH: process.env.PATH ?? "/usr/bin:/bin", CNI_COMMAND: o.command, CNI_PATH: o.path ?? "/usr/lib/cni" };
  if (o.containerId !== undefined) env.CNI_CONTAINERID = o.containerId;
  if (o.ifname !== undefined) env.CNI_IFNAME = o.ifname;
  if (o.netns !== undefined) env.CNI_NETNS = o.netns;
  if (o.args !== undefined) env.CNI_ARGS = o.args;
  return env;
}

export function start(bin: string, o: CallOpts, conf: object | string): ChildProcess {
  const p = spawn(bin, [], { env: cniEnv(o), stdio: ["pipe", "pipe", "pipe"] });
  p.stdin!.end(typeof conf === "string" ? conf : JSON.stringify(conf));
  return p;
}

/** Runs the plugin like a runtime: explicit env, config on stdin, argument arrays only. */
export function call(bin: string, o: CallOpts, conf: object | string): Promise<Run> {
  return new Promise((res, rej) => {
    const p = start(bin, o, conf);
    let stdout = "";
    let stderr = "";
    p.stdout!.on("data", (d) => (stdout += d));
    p.stderr!.on("data", (d) => (stderr += d));
    p.on("error", rej);
    p.on("close", (code, signal) => {
      let json: unknown;
      try {
        json = stdout.trim() ? JSON.parse(stdout) : undefined;
      } catch {
        json = undefined;
      }
      res({ code, signal, stdout, stderr, json });
    });
  });
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

export function rmrf(p: string): void {
  rmSync(p, { recursive: true, force: true });
}

export function netConf(dataDir: string, ipam: object, extra: object = {}, cniVersion = "1.0.0", name = "thnet"): Record<string, any> {
  return { cniVersion, name, type: "bridge", ipam: { type: "host-local", dataDir, ...ipam }, ...extra };
}
