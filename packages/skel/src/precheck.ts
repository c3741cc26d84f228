export { VALID_NAME, ifNameProblem } from "@tscni/types/names";

/*
 * skel's env rules as plain predicates, light to import (the name rules of @tscni/types;
 * node:fs only when a netns is checked): code that runs before the rest loads asks here
 * whether skel will let a call through, and skel's own checks (env.ts, netns-guard.ts) are
 * built on the same rules.
 */

/** Which CNI_* variables a verb takes, and whether it requires them. */
export type Need = "required" | "optional";

/**
 * Per verb (SPEC.md "Parameters"; INIT/DEINIT from docs/lifecycle.md). CNI_PATH is optional
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

/** True when `netns` is the calling process's own network namespace (false when unreadable). */
export function isOwnNetns(netns: string): boolean {
  try {
    const { statSync } = process.getBuiltinModule("node:fs");
    const target = statSync(netns);
    const own = statSync("/proc/self/ns/net");
    return target.ino === own.ino && target.dev === own.dev;
  } catch {
    return false;
  }
}
