// Optional fields many schemas repeat, each built once and shared (zod nodes are immutable):
// a plugin builds its schemas on every call (README, "Schemas in a fresh process").
import * as z from "zod/mini";

export const optString = /* @__PURE__ */ z.optional(z.string());
export const optStrings = /* @__PURE__ */ z.optional(z.array(z.string()));
