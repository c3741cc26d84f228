import { CniError, ErrorCode } from "@tscni/types";

/** "K=V;K2=V2" as cnitool parses it: every pair needs a key and a value. */
export function parseCniArgsPairs(s: string): Array<[string, string]> {
  return s.split(";").map((pair) => {
    const kv = pair.split("=");
    if (kv.length !== 2 || !kv[0] || !kv[1]) throw new CniError(ErrorCode.InvalidEnv, `invalid CNI_ARGS pair ${JSON.stringify(pair)}`);
    return [kv[0], kv[1]];
  });
}
