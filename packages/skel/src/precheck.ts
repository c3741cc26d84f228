import { statSync } from "node:fs";

/*
 * skel's env rules as plain predicates, with no imports beyond node:fs: code that runs
 * before the rest loads (the bridge's early DEL) asks here whether skel will let a call
 * through, and skel's own checks (names.ts, netns-guard.ts) are built on the same rules.
 */

/** Which CNI_* variables a verb takes, and whether it requires them. */
export type Need = "required" | "optional";

/**
 * Per verb (SPEC.md "Parameters"; INIT/DEINIT from LIFECYCLE.md). CNI_PATH is optional
 * everywhere: only a plugin that finds delegates needs it, and that check is where they
 * are found (@tscni/invoke's findPlugin, code 4 naming CNI_PATH).
 */
export const ENV_NEEDS: Readonly<Record<string, Readonly<Record<string, Need>>>> = {
  CNI_CONTAINERID: { ADD: "required", CHECK: "required", DEL: "required" },
  CNI_NETNS: { ADD: "required", CHECK: "required", DEL: "optional" },
  CNI_IFNAME: { ADD: "required", CHECK: "required", DEL: "required" },
  CNI_PATH: { ADD: "optional", CHECK: "optional", DEL: "optional", GC: "optional", STATUS: "optional", INIT: "optional", DEINIT: "optional" },
};

/** The variables `command` requires that `env` lacks (empty counts as missing), in ENV_NEEDS order. */
export function missingEnv(env: Record<string, string | undefined>, command: string): string[] {
  return Object.keys(ENV_NEEDS).filter((name) => ENV_NEEDS[name]![command] === "required" && !env[name]);
}

/** Same character class libcni and Go's skel accept for container IDs and network names. */
export const VALID_NAME = /^[a-zA-Z0-9][a-zA-Z0-9_.\-]*$/;
export const MAX_IFNAME = 15; // IFNAMSIZ - 1

/** Why skel refuses `name` as CNI_IFNAME ([msg, details?]), or undefined when it accepts it. */
export function ifNameProblem(name: string): [string, string?] | undefined {
  if (name.length === 0) return ["interface name is empty"];
  if (Buffer.byteLength(name) > MAX_IFNAME) return ["interface name is too long", `interface name should be at most ${MAX_IFNAME} bytes`];
  if (name === "." || name === "..") return ["interface name is . or .."];
  if (/[/:\s]/u.test(name)) return ["interface name contains / or : or whitespace characters"];
  // The kernel reads "%" as a name template ("eth%d" becomes eth0) and control characters
  // cannot be typed back: neither can name the interface the runtime asked for.
  if (/[%\x00-\x1f\x7f]/u.test(name)) return ["interface name contains % or a control character"];
  return undefined;
}

/** True when `netns` is the calling process's own network namespace (false when unreadable). */
export function isOwnNetns(netns: string): boolean {
  try {
    const target = statSync(netns);
    const own = statSync("/proc/self/ns/net");
    return target.ino === own.ino && target.dev === own.dev;
  } catch {
    return false;
  }
}
