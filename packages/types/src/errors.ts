/** Error codes from the CNI spec (SPEC.md, "Error"), plus 999 for unexpected failures. */
export const ErrorCode = {
  IncompatibleVersion: 1,
  UnsupportedField: 2,
  UnknownContainer: 3,
  InvalidEnv: 4,
  IoFailure: 5,
  DecodeFailure: 6,
  InvalidConfig: 7,
  /** Not in the spec's table; Go's skel uses it for a bad CNI_NETNS. */
  InvalidNetNS: 8,
  TryAgainLater: 11,
  NotAvailable: 50,
  LimitedConnectivity: 51,
  Internal: 999,
} as const;
export type ErrorCodeValue = (typeof ErrorCode)[keyof typeof ErrorCode] | number;

/** Spec error object as it goes to stdout: all four keys, always (SPEC.md "Error"). */
export interface CniErrorJson {
  cniVersion: string;
  code: number;
  msg: string;
  details: string;
}

/**
 * Throw this from any handler: skel turns it into the spec's error JSON with this code.
 * `msg` is one short line an operator reads first; `details` the longer text (the failing
 * command and its stderr, every validation issue, the errno and path).
 */
export class CniError extends Error {
  readonly code: number;
  readonly details: string | undefined;
  constructor(code: number, msg: string, details?: string) {
    super(msg);
    this.name = "CniError";
    this.code = code;
    this.details = details;
  }
  /** The spec's error object; without longer text, details repeats msg (never absent). */
  toJSON(cniVersion: string): CniErrorJson {
    return { cniVersion, code: this.code, msg: this.message, details: this.details || this.message };
  }
}

export function isCniError(e: unknown): e is CniError {
  return e instanceof CniError || (typeof e === "object" && e !== null && (e as { name?: unknown }).name === "CniError" && typeof (e as { code?: unknown }).code === "number");
}

/**
 * The most useful text an exception that is not a CniError carries, for an error object's
 * details: its name and message and, for an errno error (Node's fs and spawn errors,
 * NetlinkError), the errno name and number, syscall and path. Never the stack.
 */
export function describeError(e: unknown): string {
  if (!(e instanceof Error)) return typeof e === "string" ? e : describeValue(e);
  const text = e.message ? `${e.name}: ${e.message}` : e.name;
  const x = e as { code?: unknown; errno?: unknown; syscall?: unknown; path?: unknown; dest?: unknown };
  const errno: string[] = [];
  if (typeof x.code === "string") errno.push(typeof x.errno === "number" ? `errno ${x.code} (${Math.abs(x.errno)})` : `errno ${x.code}`);
  else if (typeof x.errno === "number") errno.push(`errno ${Math.abs(x.errno)}`);
  if (typeof x.syscall === "string") errno.push(`syscall ${x.syscall}`);
  if (typeof x.path === "string") errno.push(`path ${x.path}`);
  if (typeof x.dest === "string") errno.push(`dest ${x.dest}`);
  return errno.length > 0 ? `${text} [${errno.join(", ")}]` : text;
}

function describeValue(v: unknown): string {
  try {
    return JSON.stringify(v) ?? String(v);
  } catch {
    return String(v);
  }
}

/** A file-system failure as code 5: `msg` says what could not be done, details the errno and path. */
export function ioFailure(msg: string, cause: unknown): CniError {
  return new CniError(ErrorCode.IoFailure, msg, describeError(cause));
}
