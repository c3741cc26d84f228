import * as z from "zod/mini";
import { netConfSchema } from "@tscni/types";

/**
 * The network config: the spec's common keys plus this plugin's. Unknown keys pass
 * through, as the spec requires. zod/mini keeps start-up cheap (a plugin runs per pod).
 */
export const configSchema = z.extend(netConfSchema, {
  /** MTU to set on the container's interface. */
  mtu: z.optional(z.number().check(z.int(), z.gte(68), z.lte(65535))),
  /** Interface sysctls to set in the container, e.g. { "net.ipv4.conf.IFNAME.rp_filter": "2" }. */
  sysctl: z.optional(z.record(z.string().check(z.regex(/^net\.(ipv4|ipv6)\.conf\.IFNAME\.[a-z_]+$/)), z.string())),
});
export type Config = z.infer<typeof configSchema>;
