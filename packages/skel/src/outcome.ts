import { CniError, ErrorCode, describeError, isCniError } from "@tscni/types/errors";

export interface Outcome {
  stdout: string;
  exitCode: number;
}

export const ok = (stdout: string): Outcome => ({ stdout, exitCode: 0 });

/** The spec's error object (all four keys) for whatever was thrown. */
export function fail(e: unknown, cniVersion: string, stderr: (s: string) => void): Outcome {
  let err: CniError;
  if (isCniError(e)) err = e as CniError;
  else {
    const msg = e instanceof Error ? e.message : String(e);
    // The stack helps whoever reads the log; stdout keeps only the spec's error object.
    stderr(`${e instanceof Error && e.stack ? e.stack : msg}\n`);
    err = new CniError(ErrorCode.Internal, firstLine(msg) || "internal error", describeError(e));
  }
  return { stdout: JSON.stringify(CniError.prototype.toJSON.call(err, cniVersion)), exitCode: 1 };
}

/** msg is one line; the whole text is in details. */
function firstLine(s: string): string {
  const i = s.indexOf("\n");
  return (i < 0 ? s : s.slice(0, i)).trim();
}
