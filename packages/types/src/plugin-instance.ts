/**
 * Which plugin instance a request config describes: the config without what a runtime adds
 * per request. A network's plugin whose config did not change between two of the network's
 * configurations (docs/lifecycle.md, "Generations") is one instance: it was INITed once and
 * is DEINITed once, when no configuration still holding it is in use. The runtime decides
 * DEINITs by it and plugins key their claims on shared resources by it, so both must read
 * it the same way: this is the one rule.
 */

/** Keys a runtime sets per request (SPEC section 3: capabilities are not passed at all). */
function perRequest(key: string): boolean {
  return key === "prevResult" || key === "runtimeConfig" || key === "args" || key === "capabilities" || key.startsWith("cni.dev/");
}

/** JSON with sorted keys and no undefined members: equal values give equal text. */
export function canonicalJson(v: unknown): string {
  if (Array.isArray(v)) return `[${v.map(canonicalJson).join(",")}]`;
  if (typeof v === "object" && v !== null) {
    const o = v as Record<string, unknown>;
    const keys = Object.keys(o).sort().filter((k) => o[k] !== undefined);
    return `{${keys.map((k) => `${JSON.stringify(k)}:${canonicalJson(o[k])}`).join(",")}}`;
  }
  return JSON.stringify(v) ?? "null";
}

/** The instance identity of a request config (canonical text, for comparing). */
export function instanceIdentity(config: Readonly<Record<string, unknown>>): string {
  const kept: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(config)) if (!perRequest(k)) kept[k] = v;
  return canonicalJson(kept);
}

/** A short stable key for an instance (16 hex digits, FNV-1a 64 of its identity), for file names and records. */
export function instanceKey(config: Readonly<Record<string, unknown>>): string {
  let h = 0xcbf29ce484222325n;
  for (const b of Buffer.from(instanceIdentity(config))) h = BigInt.asUintN(64, (h ^ BigInt(b)) * 0x100000001b3n);
  return h.toString(16).padStart(16, "0");
}
