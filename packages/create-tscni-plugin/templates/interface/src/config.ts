import * as z from "zod/mini";
import { netConfSchema } from "@tscni/types";

/**
 * The network config: the spec's common keys (`ipam` among them: the IPAM plugin this one
 * delegates addresses to) plus this plugin's. Unknown keys pass through, as the spec requires.
 */
export const configSchema = z.extend(netConfSchema, {
  /** MTU of both ends of the veth. */
  mtu: z.optional(z.number().check(z.int(), z.gte(68), z.lte(65535))),
});
export type Config = z.infer<typeof configSchema>;
