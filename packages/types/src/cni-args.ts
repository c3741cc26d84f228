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

/** Go's UnmarshallableBool: "1"/"true" and "0"/"false", any case. */
export function cniArgBool(v: string): boolean | undefined {
  const l = v.toLowerCase();
  if (l === "1" || l === "true") return true;
  if (l === "0" || l === "false") return false;
  return undefined;
}

/**
 * CNI_ARGS as a typed object, the way Go's `types.LoadArgs` fills a struct: `parse` reads
 * the keys it knows (each value a string: convert it there), and a key it does not know
 * is an error (code 4) unless the args hold `IgnoreUnknown=1` (or true), as in Go's
 * CommonArgs. `known` lists the keys `parse` reads.
 *
 * ```ts
 * const { IP, K8S_POD_NAME } = loadCniArgs(ctx.args, ["IP", "K8S_POD_NAME"], (get) => ({ IP: get("IP"), K8S_POD_NAME: get("K8S_POD_NAME") }));
 * ```
 */
export function loadCniArgs<T>(
  args: ReadonlyArray<readonly [string, string]>,
  known: readonly string[],
  parse: (get: (key: string) => string | undefined) => T,
): T {
  let ignoreUnknown = false;
  for (const [k, v] of args) {
    if (k !== "IgnoreUnknown") continue;
    const b = cniArgBool(v);
    if (b === undefined) throw new CniError(ErrorCode.InvalidEnv, "CNI_ARGS: IgnoreUnknown wants a boolean", `IgnoreUnknown is ${JSON.stringify(v)}; use 1, true, 0 or false`);
    ignoreUnknown = b;
  }
  const values = new Map<string, string>();
  for (const [k, v] of args) {
    if (k === "IgnoreUnknown") continue;
    if (known.includes(k)) values.set(k, v);
    else if (!ignoreUnknown) throw new CniError(ErrorCode.InvalidEnv, `CNI_ARGS: unknown args ${JSON.stringify(k)}`, `this plugin reads ${known.length ? known.join(", ") : "no keys"}; set IgnoreUnknown=1 to ignore the others`);
  }
  return parse((key) => values.get(key));
}
