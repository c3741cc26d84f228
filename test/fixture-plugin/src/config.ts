import * as z from "zod/mini";
import { netConfSchema } from "@tscni/types";

const VERBS = ["ADD", "DEL", "CHECK", "STATUS", "GC", "INIT", "DEINIT"] as const;

/**
 * The fixture's own keys, under `fixture`. Everything is optional: an empty
 * `fixture` gives a plugin that succeeds at every verb. A function, so the
 * schema is built only when a config is parsed.
 */
export const fixtureKeysSchema = () => z.object({
  /** Verbs that fail (default: none). */
  failOn: z.optional(z.array(z.enum(VERBS))),
  /** How they fail: a CniError with `code`, a plain Error, or never returning. */
  failWith: z.optional(z.enum(["cni", "error", "hang"])),
  code: z.optional(z.number()),
  msg: z.optional(z.string()),
  details: z.optional(z.string()),
  /** Address ADD reports (default 10.1.2.3/24) and its gateway. */
  address: z.optional(z.string()),
  gateway: z.optional(z.string()),
  /** Append one JSON line per call to this file (call order checks for runtimes). */
  recordFile: z.optional(z.string()),
});

function buildConfigSchema() {
  return z.extend(netConfSchema, { fixture: z.optional(fixtureKeysSchema()) });
}

/**
 * Built on first parse, not at startup: VERSION (and any verb that never
 * reads config) skips the cost. z.lazy keeps it a normal schema for skel.
 */
export const fixtureConfigSchema = z.lazy(buildConfigSchema);
export type FixtureConfig = z.infer<ReturnType<typeof buildConfigSchema>>;
