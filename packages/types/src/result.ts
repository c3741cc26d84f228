// The current (1.1.0) result shape; 1.0.0 is the same minus the fields marked "1.1".
import * as z from "zod/mini";
import { cidrString, dnsSchema, ipString, uint } from "./fields.js";

export const interfaceSchema = z.object({
  name: z.string(),
  mac: z.optional(z.string()),
  mtu: z.optional(uint), // 1.1
  sandbox: z.optional(z.string()),
  socketPath: z.optional(z.string()), // 1.1
  pciID: z.optional(z.string()), // 1.1
});
export type Interface = z.infer<typeof interfaceSchema>;

export const ipConfigSchema = z.object({
  /** Index into `interfaces`; absent in IPAM results. */
  interface: z.optional(uint),
  address: cidrString,
  gateway: z.optional(ipString),
});
export type IPConfig = z.infer<typeof ipConfigSchema>;

export const routeSchema = z.object({
  dst: cidrString,
  gw: z.optional(ipString),
  mtu: z.optional(uint), // 1.1
  advmss: z.optional(uint), // 1.1
  priority: z.optional(uint), // 1.1
  table: z.optional(uint), // 1.1
  scope: z.optional(uint), // 1.1
});
export type Route = z.infer<typeof routeSchema>;

/** ADD result, 1.0.0 / 1.1.0. cniVersion is optional so handlers and IPAM plugins may omit it. */
export const resultSchema = z.object({
  cniVersion: z.optional(z.string()),
  interfaces: z.optional(z.array(interfaceSchema)),
  ips: z.optional(z.array(ipConfigSchema)),
  routes: z.optional(z.array(routeSchema)),
  dns: z.optional(dnsSchema),
});
export type Result = z.infer<typeof resultSchema>;

export { dnsSchema, type DNS } from "./fields.js";
