// Result shape of 0.1.0 and 0.2.0: at most one address per family, routes nested under it.
import * as z from "zod/mini";
import { cidrString, dnsSchema, ipString } from "./fields.js";
import { route040Schema } from "./result-040.js";

export const route020Schema = route040Schema;
export type Route020 = z.infer<typeof route020Schema>;

export const ipConfig020Schema = z.object({
  ip: cidrString,
  gateway: z.optional(ipString),
  routes: z.optional(z.array(route020Schema)),
});
export type IPConfig020 = z.infer<typeof ipConfig020Schema>;

export const result020Schema = z.object({
  cniVersion: z.optional(z.string()),
  ip4: z.optional(ipConfig020Schema),
  ip6: z.optional(ipConfig020Schema),
  dns: z.optional(dnsSchema),
});
export type Result020 = z.infer<typeof result020Schema>;
