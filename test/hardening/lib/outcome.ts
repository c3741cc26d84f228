import { convertResult } from "@tscni/types";

/** Codes a plugin may answer with: the spec's table, Go's 8 for a bad netns. 999 means an unhandled exception. */
export const DEFINED_CODES = new Set([1, 2, 3, 4, 5, 6, 7, 8, 11, 50, 51]);

export interface Run {
  stdout: string;
  stderr?: string;
  exitCode: number | null;
  signal?: string | null;
  timedOut?: boolean;
}

// A V8 stack frame: "    at fn (file:1:2)" or "    at file:1:2".
const STACK = /\n\s+at .*(:\d+:\d+\)?|native|<anonymous>)/;

/**
 * The property every call must keep: exit 0 with what the verb returns, or exit 1 with
 * the spec's error object carrying a defined code; never a crash, never a stack on stdout.
 * Returns what was wrong, or undefined.
 */
export function violation(verb: string | undefined, r: Run): string | undefined {
  if (r.timedOut) return "hang (timed out)";
  if (r.signal) return `killed by ${r.signal}`;
  if (STACK.test(r.stdout)) return "stack trace on stdout";
  if (r.exitCode === 0) {
    if (verb === "ADD" || verb === "VERSION") {
      let j: Record<string, unknown>;
      try {
        j = JSON.parse(r.stdout);
      } catch {
        return `exit 0 but stdout is not JSON: ${r.stdout.slice(0, 200)}`;
      }
      if (typeof j !== "object" || j === null || typeof j.cniVersion !== "string") return "exit 0 without cniVersion";
      if (verb === "VERSION") return Array.isArray(j.supportedVersions) ? undefined : "VERSION without supportedVersions";
      try {
        convertResult(j, j.cniVersion);
      } catch (e) {
        return `ADD result is not a valid ${j.cniVersion} result: ${(e as Error).message}`;
      }
      return undefined;
    }
    return r.stdout.trim() === "" ? undefined : `exit 0 with output for ${verb}: ${r.stdout.slice(0, 200)}`;
  }
  if (r.exitCode !== 1) return `exit status ${r.exitCode}`;
  let e: Record<string, unknown>;
  try {
    e = JSON.parse(r.stdout);
  } catch {
    return `error exit with non-JSON stdout: ${r.stdout.slice(0, 200)}`;
  }
  if (typeof e !== "object" || e === null) return "error output is not an object";
  if (typeof e.code !== "number" || !Number.isInteger(e.code)) return "error without integer code";
  if (typeof e.msg !== "string" || e.msg === "") return "error without msg";
  // 999 is Go's "internal" code: fine for a failure the plugin reports (a kernel refusal),
  // a crash when it wraps an unhandled exception (skel then logs its stack on stderr).
  if (e.code === 999) {
    if (STACK.test(r.stderr ?? "")) return `unhandled exception (code 999): ${e.msg}`;
  } else if (!DEFINED_CODES.has(e.code)) return `undefined error code ${e.code}: ${e.msg}`;
  const extra = Object.keys(e).filter((k) => !["cniVersion", "code", "msg", "details"].includes(k));
  if (extra.length) return `error object with extra keys ${extra.join(",")}`;
  return undefined;
}

export function errorCode(stdout: string): number | undefined {
  try {
    const j = JSON.parse(stdout);
    return typeof j?.code === "number" ? j.code : undefined;
  } catch {
    return undefined;
  }
}

/** Verbs that must leave the host exactly as it was when they succeed. */
export const READ_ONLY_VERBS: ReadonlySet<string> = new Set(["VERSION", "CHECK", "STATUS"]);

// Leftovers that are not leaks: directories, lock files, Go's round-robin cursor, lo up/down (loopback's job).
const residueLines = (d: string): string[] =>
  d.split("\n").filter((l) => l !== "" && !/\/$/.test(l) && !/(\.lock|\/lock|last_reserved_ip\.\d+)( |$)/.test(l) && !/\blo\b/.test(l));

export type AfterSuccess = "changed-by-read-only-verb" | "residue-after-cleanup" | "changed-after-success";

/**
 * What a host diff after a successful call amounts to (for ADD and INIT: after their DEL and
 * DEINIT). A read-only verb may change nothing at all, not even a directory or a cache file
 * (a failure); ADD/INIT must leave no residue but directories, lock files and the round-robin
 * cursor (a failure); other verbs may change the host (reported). undefined: nothing to say.
 */
export function afterSuccess(verb: string, diff: string): { kind: AfterSuccess; lines: string[] } | undefined {
  if (diff === "") return undefined;
  if (READ_ONLY_VERBS.has(verb)) return { kind: "changed-by-read-only-verb", lines: diff.split("\n") };
  const real = residueLines(diff);
  if (real.length === 0) return undefined;
  return { kind: verb === "ADD" || verb === "INIT" ? "residue-after-cleanup" : "changed-after-success", lines: real };
}
