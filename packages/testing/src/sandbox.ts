import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { exec, execOk, type ExecOptions, type ExecResult } from "./exec.js";
import { runPrefix, uniqueName } from "./names.js";
import { trackDir, trackNetns, untrackDir, untrackNetns } from "./cleanup-registry.js";

/** A named network namespace made by a sandbox. */
export interface Netns {
  name: string;
  /** Bind-mount path, what CNI_NETNS takes: /var/run/netns/NAME. */
  path: string;
}

export interface SandboxOptions {
  /** Your test prefix ("tb-", "br-", ...): every netns and tmp dir name starts with it. */
  prefix: string;
  /** How many container netns to create up front (default 1). */
  containers?: number;
}

export interface RunOptions extends Omit<ExecOptions, "env"> {
  env?: NodeJS.ProcessEnv;
  /** Throw when the command exits non-zero (default true). */
  check?: boolean;
}

export interface Sandbox {
  prefix: string;
  /** Plays the host (root) namespace: plugins run here, bridges live here. */
  host: Netns;
  /** Container namespaces, `containers[0]` === `container`. */
  containers: Netns[];
  container: Netns;
  /** A fresh temp dir (name starts with the prefix) for state: IPAM data, caches, conf dirs. */
  tmpDir: string;
  /** Create another container netns (removed with the sandbox). */
  addNetns(role?: string): Promise<Netns>;
  /** Run argv inside a netns (`ip netns exec NAME ...`); throws on non-zero exit unless check: false. */
  run(ns: Netns | string, argv: readonly string[], opts?: RunOptions): Promise<ExecResult>;
  /** Remove every netns and the tmp dir. Idempotent. */
  cleanup(): Promise<void>;
}

/** Path of the bind mount `ip netns add NAME` creates. */
export function netnsPath(name: string): string {
  return `/var/run/netns/${name}`;
}

/** Create a netns with lo up. Registered for exit-time cleanup before it exists, so a crash cannot leak it. */
export async function createNetns(prefix: string, role = ""): Promise<Netns> {
  const name = uniqueName(prefix, role);
  trackNetns(name);
  try {
    await execOk(["ip", "netns", "add", name]);
    await execOk(["ip", "-n", name, "link", "set", "lo", "up"]);
  } catch (e) {
    await deleteNetns(name);
    throw e;
  }
  return { name, path: netnsPath(name) };
}

/** Delete a netns (and with it every link inside it). Missing is fine. */
export async function deleteNetns(name: string): Promise<void> {
  await exec(["ip", "netns", "delete", name]);
  untrackNetns(name);
}

/** Run argv in a netns by name, with an argument array (no shell). */
export function runIn(ns: Netns | string, argv: readonly string[], opts: RunOptions = {}): Promise<ExecResult> {
  const name = typeof ns === "string" ? ns : ns.name;
  const full = ["ip", "netns", "exec", name, ...argv];
  const execOpts: ExecOptions = { ...opts, env: opts.env ?? process.env };
  return opts.check === false ? exec(full, execOpts) : execOk(full, execOpts);
}

export async function createSandbox(opts: SandboxOptions): Promise<Sandbox> {
  const { prefix } = opts;
  const made: Netns[] = [];
  const tmpDir = mkdtempSync(join(tmpdir(), runPrefix(prefix)));
  trackDir(tmpDir);
  let cleaned = false;

  const cleanup = async (): Promise<void> => {
    if (cleaned) return;
    cleaned = true;
    // Container namespaces first: their veth peers in the host ns go with them.
    for (const ns of [...made].reverse()) await deleteNetns(ns.name);
    rmSync(tmpDir, { recursive: true, force: true });
    untrackDir(tmpDir);
  };

  try {
    const host = await createNetns(prefix, "h");
    made.push(host);
    const containers: Netns[] = [];
    for (let i = 0; i < (opts.containers ?? 1); i++) {
      const c = await createNetns(prefix, "c");
      made.push(c);
      containers.push(c);
    }
    const sb: Sandbox = {
      prefix,
      host,
      containers,
      container: containers[0] ?? host,
      tmpDir,
      async addNetns(role = "c") {
        const ns = await createNetns(prefix, role);
        made.push(ns);
        containers.push(ns);
        return ns;
      },
      run: runIn,
      cleanup,
    };
    return sb;
  } catch (e) {
    await cleanup();
    throw e;
  }
}

/** Create a sandbox, run fn, always clean up (also when fn throws). */
export async function withSandbox<T>(
  optsOrPrefix: SandboxOptions | string,
  fn: (sb: Sandbox) => Promise<T>,
): Promise<T> {
  const opts = typeof optsOrPrefix === "string" ? { prefix: optsOrPrefix } : optsOrPrefix;
  const sb = await createSandbox(opts);
  try {
    return await fn(sb);
  } finally {
    await sb.cleanup();
  }
}
