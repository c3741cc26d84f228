import * as z from "zod/mini";
import { CniError, ErrorCode } from "./errors.js";

type Issue = z.core.$ZodIssue;
type PathKey = PropertyKey;

/** "ipam.ranges[0][0].subnet"; keys that are not identifiers are quoted: plugins[0]["cni.dev/x"]. */
export function formatPath(path: readonly PathKey[]): string {
  let out = "";
  for (const k of path) {
    if (typeof k === "number") out += `[${k}]`;
    else if (typeof k === "string" && /^[A-Za-z_$][\w$]*$/.test(k)) out += out ? `.${k}` : k;
    else out += `[${JSON.stringify(String(k))}]`;
  }
  return out || "(root)";
}

function valueAt(data: unknown, path: readonly PathKey[]): unknown {
  let cur = data;
  for (const k of path) {
    if (cur === null || typeof cur !== "object") return undefined;
    cur = (cur as Record<PropertyKey, unknown>)[k];
  }
  return cur;
}

function describe(v: unknown): string {
  if (v === undefined) return "missing";
  if (v === null) return "null";
  if (Array.isArray(v)) return "array";
  if (typeof v === "object") return "object";
  return `${typeof v} ${JSON.stringify(v)}`;
}

/** English text for one issue. zod/mini ships no locale (keeps startup cheap), so we word the common codes here. */
function issueText(issue: Issue, data: unknown): string {
  // Messages set by our own refinements win over generic wording.
  if (issue.message && issue.message !== "Invalid input") {
    return issue.code === "custom" ? `${issue.message}, got ${describe(valueAt(data, issue.path))}` : issue.message;
  }
  switch (issue.code) {
    case "invalid_type": {
      const v = valueAt(data, issue.path);
      return v === undefined ? `required ${issue.expected} is missing` : `expected ${issue.expected}, got ${describe(v)}`;
    }
    case "invalid_value":
      return `expected one of ${issue.values.map((v) => JSON.stringify(v)).join(", ")}, got ${describe(valueAt(data, issue.path))}`;
    case "too_small":
      return `must be ${issue.inclusive ? ">=" : ">"} ${String(issue.minimum)}${issue.origin === "array" || issue.origin === "string" ? " in length" : ""}`;
    case "too_big":
      return `must be ${issue.inclusive ? "<=" : "<"} ${String(issue.maximum)}${issue.origin === "array" || issue.origin === "string" ? " in length" : ""}`;
    case "unrecognized_keys":
      return `unknown keys ${issue.keys.map((k) => JSON.stringify(k)).join(", ")}`;
    case "invalid_union":
      return `does not match any allowed shape (got ${describe(valueAt(data, issue.path))})`;
    case "invalid_format":
      return `invalid ${issue.format}`;
    default:
      return `invalid value (${issue.code})`;
  }
}

/** Every issue as "path: text", joined by "; ". */
export function formatIssues(issues: readonly Issue[], data: unknown): string {
  return issues.map((i) => `${formatPath(i.path)}: ${issueText(i, data)}`).join("; ");
}

/**
 * The error for failed validation: msg is `what` and the first failing path (plus how many
 * more issues there are), details every issue with its path and text.
 */
export function issuesError(code: number, what: string, issues: readonly Issue[], data: unknown): CniError {
  const first = issues[0];
  const where = first === undefined ? "invalid" : first.path.length > 0 ? formatPath(first.path) : issueText(first, data);
  const more = issues.length > 1 ? ` (and ${issues.length - 1} more)` : "";
  return new CniError(code, `${what}: ${where}${more}`, formatIssues(issues, data));
}

/**
 * Validate `data` against `schema`; on failure throw CniError(ErrorCode.InvalidConfig): msg "invalid <what>:
 * <first failing path>", details every issue (see issuesError).
 */
export function parseWith<S extends z.ZodMiniType>(schema: S, data: unknown, what = "config"): z.output<S> {
  const r = z.safeParse(schema, data);
  if (!r.success) throw issuesError(ErrorCode.InvalidConfig, `invalid ${what}`, r.error.issues, data);
  return r.data;
}
