import { CniError, ErrorCode, ioFailure } from "@tscni/types/errors";
import { MAX_STDIN_BYTES, readFdSync, type FdRead } from "./read-fd.js";

export { MAX_STDIN_BYTES };

/** Stdin as a config: the bytes, or the spec's error for what went wrong reading them. */
export function stdinOrError(r: FdRead): Buffer {
  if ("data" in r) return r.data;
  if ("oversize" in r) throw new CniError(ErrorCode.DecodeFailure, `stdin larger than ${MAX_STDIN_BYTES} bytes`);
  throw ioFailure("error reading from stdin", r.error);
}

/** Reads all of fd 0 synchronously (plugins read stdin once, before anything else). */
export function readStdinSync(fd = 0): Buffer {
  return stdinOrError(readFdSync(fd));
}
