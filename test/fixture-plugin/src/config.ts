import * as z from "zod/mini";
import { netConfSchema } from "@tscni/types";

const verb = z.enum(["ADD", "DEL", "CHECK", "STATUS", "GC", "INIT", "DEINIT"]);

/**
 * The fixture's own keys, under `fixture`. Everything is optional: an empty
 * `fixture` gives a plugin that succeeds at every verb.
 */
export const fixtureKeysSchema = z.object({
  /** Verbs that fail (default: none). */
  failOn: z.optional(z.array(verb)),
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

export const fixtureConfigSchema = z.extend(netConfSchema, {
  fixture: z.optional(fixtureKeysSchema),
});
export type FixtureConfig = z.infer<typeof fixtureConfigSchema>;
