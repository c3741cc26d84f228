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

/** Spec error object as it goes to stdout. */
export interface CniErrorJson {
  cniVersion: string;
  code: number;
  msg: string;
  details?: string;
}

/** Throw this from any handler: skel turns it into the spec's error JSON with this code. */
export class CniError extends Error {
  readonly code: number;
  readonly details: string | undefined;
  constructor(code: number, msg: string, details?: string) {
    super(msg);
    this.name = "CniError";
    this.code = code;
    this.details = details;
  }
  toJSON(cniVersion: string): CniErrorJson {
    const out: CniErrorJson = { cniVersion, code: this.code, msg: this.message };
    if (this.details) out.details = this.details;
    return out;
  }
}

export function isCniError(e: unknown): e is CniError {
  return e instanceof CniError || (typeof e === "object" && e !== null && (e as { name?: unknown }).name === "CniError" && typeof (e as { code?: unknown }).code === "number");
}
