// Network configuration list (.conflist), SPEC.md section 1, with Go libcni's parsing leniency.
import * as z from "zod/mini";
import { netConfSchema } from "./netconf.js";

/** A list's flag as libcni reads it: a JSON boolean or "true"/"false" in any case; undefined for anything else. */
export function looseBool(v: unknown): boolean | undefined {
  if (typeof v === "boolean") return v;
  if (typeof v === "string" && /^(true|false)$/i.test(v)) return v.toLowerCase() === "true";
  return undefined;
}

const looseBoolSchema = z.union([
  z.boolean(),
  z.pipe(
    /* @__PURE__ */ z.string().check(z.refine((s) => looseBool(s) !== undefined, 'expected true, false, "true" or "false"')),
    z.transform((s: string) => looseBool(s)!),
  ),
]);

export const netConfListSchema = z.looseObject({
  cniVersion: z.optional(z.string()),
  cniVersions: z.optional(z.array(z.string())),
  name: z.string(),
  disableCheck: z.optional(looseBoolSchema),
  disableGC: z.optional(looseBoolSchema),
  loadOnlyInlinedPlugins: z.optional(looseBoolSchema),
  /** Entries carry no name/cniVersion of their own; the runtime injects the list's. */
  plugins: z.optional(z.array(netConfSchema)),
});
export type NetConfList = z.infer<typeof netConfListSchema>;
