// Result shape of 0.3.0, 0.3.1 and 0.4.0: ips carry "version", interfaces and routes have no 1.1 fields.
import * as z from "zod/mini";
import { cidrString, dnsSchema, ipString, uint } from "./fields.js";

export const interface040Schema = z.object({
  name: z.string(),
  mac: z.optional(z.string()),
  sandbox: z.optional(z.string()),
});
export type Interface040 = z.infer<typeof interface040Schema>;

export const ipConfig040Schema = z.object({
  // Required by the spec; Go accepts it missing, so do we (derived from the address when needed).
  version: z.optional(z.enum(["4", "6"])),
  interface: z.optional(uint),
  address: cidrString,
  gateway: z.optional(ipString),
});
export type IPConfig040 = z.infer<typeof ipConfig040Schema>;

export const route040Schema = z.object({ dst: cidrString, gw: z.optional(ipString) });
export type Route040 = z.infer<typeof route040Schema>;

export const result040Schema = z.object({
  cniVersion: z.optional(z.string()),
  interfaces: z.optional(z.array(interface040Schema)),
  ips: z.optional(z.array(ipConfig040Schema)),
  routes: z.optional(z.array(route040Schema)),
  dns: z.optional(dnsSchema),
});
export type Result040 = z.infer<typeof result040Schema>;
