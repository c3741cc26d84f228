import { CniError, ErrorCode } from "./errors.js";

/**
 * Parse CNI_ARGS ("K=V;K=V") exactly as Go's types.LoadArgs splits it: "" is no
 * args; every ";"-separated part must contain exactly one "=" (so a trailing ";",
 * a missing "=" or an "=" inside a value is an error, code 4). Keys and values are
 * kept verbatim (no trimming); empty keys or values are allowed, as in Go.
 */
export function parseCniArgs(s: string): Array<[string, string]> {
  if (s === "") return [];
  const out: Array<[string, string]> = [];
  for (const pair of s.split(";")) {
    const kv = pair.split("=");
    if (kv.length !== 2) {
      throw new CniError(ErrorCode.InvalidEnv, `CNI_ARGS: invalid pair ${JSON.stringify(pair)}`, "CNI_ARGS must be K=V pairs separated by ';'");
    }
    out.push([kv[0]!, kv[1]!]);
  }
  return out;
}
