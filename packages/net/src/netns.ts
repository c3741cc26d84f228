import { readlinkSync, statSync, statfsSync } from "node:fs";
import { CniError, ErrorCode, describeError } from "@tscni/types";
import { run, type ExecOptions, type ExecResult, ExecError } from "./exec.js";
import { which } from "./which.js";


const NSFS_MAGIC = 0x6e736673;
const PROC_SUPER_MAGIC = 0x9fa0;

/** A network namespace: a path to an nsfs file, or the current one (path ""). */
export interface Netns {
  /** Path as given (`/var/run/netns/x`, `/proc/PID/ns/net`, a bind mount); "" = our own netns. */
  readonly path: string;
  /** Set for files under /run/netns: lets iproute2 use its cheaper `-n NAME`. */
  readonly name?: string | undefined;
}

/** The namespace this process runs in (the "host" side of a plugin). */
export const CURRENT_NETNS: Netns = Object.freeze({ path: "" });

export class NetnsError extends CniError {
  readonly reason: "missing" | "not-netns";
  readonly path: string;
  constructor(path: string, reason: "missing" | "not-netns", why: string) {
    super(ErrorCode.InvalidNetNS, reason === "missing" ? `netns ${JSON.stringify(path)} does not exist` : `${JSON.stringify(path)} is not a network namespace`, why);
    this.reason = reason;
    this.path = path;
  }
}

const NAMED = /^\/(?:var\/)?run\/netns\/([^/]+)$/;

/** Only a plain file name can go to `ip -n` (it joins it to /var/run/netns). */
function namedNetns(path: string): string | undefined {
  const m = NAMED.exec(path);
  return m && m[1] !== "." && m[1] !== ".." ? m[1] : undefined;
}

/**
 * Check that `path` is a network namespace and return a handle. Accepts named netns,
 * /proc/PID/ns/net and bind mounts of either. Throws NetnsError (code 8): reason
 * "missing" (DEL treats that as done) or "not-netns". The checks are two synchronous
 * syscalls on a pseudo-file: cheaper than two thread-pool round trips, and the caller's
 * next exec starts sooner.
 */
export async function openNetns(path: string): Promise<Netns> {
  if (!path.startsWith("/")) throw new NetnsError(path, "not-netns", "netns path must be absolute");
  let fsType: number;
  try {
    fsType = Number(statfsSync(path).type);
  } catch (e) {
    const err = e as NodeJS.ErrnoException;
    throw new NetnsError(path, err.code === "ENOENT" ? "missing" : "not-netns", describeError(err));
  }
  if (fsType !== NSFS_MAGIC && fsType !== PROC_SUPER_MAGIC) {
    throw new NetnsError(path, "not-netns", `filesystem magic 0x${fsType.toString(16)} is neither nsfs nor proc`);
  }
  // /proc/PID/ns/* are magic links whose target names the namespace type; a bind mount
  // is not a link, and its type is checked when we first enter it.
  try {
    const target = readlinkSync(path);
    if (!/^net:\[\d+\]$/.test(target)) throw new NetnsError(path, "not-netns", `links to ${target}`);
  } catch (e) {
    if (e instanceof NetnsError) throw e;
    if ((e as NodeJS.ErrnoException).code !== "EINVAL") throw new NetnsError(path, "not-netns", describeError(e));
    if (fsType !== NSFS_MAGIC) throw new NetnsError(path, "not-netns", "a proc file that is not a namespace link");
  }
  return { path, name: namedNetns(path) };
}

/** True when both refer to the same namespace (Go's skel refuses CNI_NETNS == own netns). */
export async function sameNetns(a: Netns, b: Netns): Promise<boolean> {
  const sa = statSync(a.path || "/proc/self/ns/net");
  const sb = statSync(b.path || "/proc/self/ns/net");
  return sa.ino === sb.ino && sa.dev === sb.dev;
}

/** Programs that take `-n NAME` themselves (no extra exec for nsenter). */
const TAKES_N = new Set(["ip", "bridge"]);

/** argv that runs `argv` inside `ns`: `ip -n NAME ...` when possible, else nsenter. */
export function inNetns(ns: Netns, argv: readonly string[]): string[] {
  if (!ns.path) return [...argv];
  const [prog, ...rest] = argv;
  if (ns.name !== undefined && prog !== undefined && TAKES_N.has(prog)) return [prog, "-n", ns.name, ...rest];
  return ["nsenter", `--net=${ns.path}`, "--", which(prog!), ...rest];
}

/** Run a program inside `ns`. A vanished or wrong-type netns becomes NetnsError. */
export async function runIn(ns: Netns, argv: readonly string[], opts?: ExecOptions): Promise<ExecResult> {
  try {
    return await run(inNetns(ns, argv), opts);
  } catch (e) {
    if (e instanceof ExecError && ns.path) {
      if (/Cannot open network namespace|nsenter: cannot open/.test(e.stderr)) throw new NetnsError(ns.path, "missing", e.details);
      if (/nsenter: reassociate to namespace .* failed/.test(e.stderr)) throw new NetnsError(ns.path, "not-netns", e.details);
    }
    throw e;
  }
}

/**
 * How iproute2's `netns` argument names ns: a name, or a path (it opens anything with a
 * "/"). Our own netns is named by our pid's file, since `ip -n` runs elsewhere.
 */
export function netnsTarget(ns: Netns): string {
  return ns.name ?? (ns.path || `/proc/${process.pid}/ns/net`);
}
