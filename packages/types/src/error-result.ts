import * as z from "zod/mini";

/** The spec's error object, as a plugin prints it on stdout (see CniError.toJSON). */
export const errorResultSchema = z.object({
  cniVersion: z.optional(z.string()),
  code: /* @__PURE__ */ z.int().check(z.nonnegative()),
  msg: z.string(),
  details: z.optional(z.string()),
});
export type ErrorResult = z.infer<typeof errorResultSchema>;
