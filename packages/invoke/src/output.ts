import { basename } from "node:path";
import { CniError, ErrorCode } from "@tscni/types/errors";
import type { ExecOutput } from "./start-plugin.js";

/**
 * Turn a plugin's output into its JSON answer or a CniError carrying the
 * plugin's own code and msg. Empty stdout on success = no result (DEL, CHECK...).
 */
export function interpretOutput(path: string, out: ExecOutput): Record<string, unknown> | undefined {
  const name = basename(path);
  const text = out.stdout.trim();
  const stderr = out.stderr.trim();
  if (out.exitCode === 0) {
    if (text === "") return undefined;
    const parsed = parseJson(text);
    if (!isObject(parsed)) throw new CniError(ErrorCode.DecodeFailure, `plugin ${name} printed invalid JSON`, `stdout: ${snippet(text)}`);
    return parsed;
  }
  const how = out.signal ? `was killed by ${out.signal}` : `exited with status ${out.exitCode}`;
  if (text !== "") {
    const parsed = parseJson(text);
    if (isObject(parsed) && typeof parsed.code === "number") {
      const msg = typeof parsed.msg === "string" ? parsed.msg : `plugin ${name} failed`;
      const details = typeof parsed.details === "string" && parsed.details !== "" ? parsed.details : undefined;
      throw new CniError(parsed.code, msg, details);
    }
    throw new CniError(ErrorCode.Internal, `plugin ${name} ${how} with unparseable error output`, `stdout: ${snippet(text)}${stderr ? `\nstderr: ${stderr}` : ""}`);
  }
  throw new CniError(ErrorCode.Internal, `plugin ${name} ${how} with no error message`, `${path} ${how}; stderr: ${stderr || "(empty)"}`);
}

function parseJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}

function isObject(v: unknown): v is Record<string, unknown> {
  return typeof v === "object" && v !== null && !Array.isArray(v);
}

function snippet(s: string): string {
  return JSON.stringify(s.length > 300 ? `${s.slice(0, 300)}...` : s);
}
