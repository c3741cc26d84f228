// Network configuration list (.conflist), SPEC.md section 1, with Go libcni's parsing leniency.
import * as z from "zod/mini";
import { netConfSchema } from "./netconf.js";

/** libcni accepts a JSON boolean or the strings "true"/"false" (any case). */
const looseBool = z.union([
  z.boolean(),
  z.pipe(
    /* @__PURE__ */ z.string().check(z.refine((s) => /^(true|false)$/i.test(s), 'expected true, false, "true" or "false"')),
    z.transform((s: string) => s.toLowerCase() === "true"),
  ),
]);

export const netConfListSchema = z.looseObject({
  cniVersion: z.optional(z.string()),
  cniVersions: z.optional(z.array(z.string())),
  name: z.string(),
  disableCheck: z.optional(looseBool),
  disableGC: z.optional(looseBool),
  loadOnlyInlinedPlugins: z.optional(looseBool),
  /** Entries carry no name/cniVersion of their own; the runtime injects the list's. */
  plugins: z.optional(z.array(netConfSchema)),
});
export type NetConfList = z.infer<typeof netConfListSchema>;
