// Result shape of 0.3.0, 0.3.1 and 0.4.0: ips carry "version", interfaces and routes have no 1.1 fields.
// Built on first use: only results of old spec versions need it, and every exec'd plugin pays for eager schemas.
import * as z from "zod/mini";
import { fields } from "./fields.js";
import { optString } from "./optional-nodes.js";

function build() {
  const { cidrString, dnsSchema, optIp, optUint } = fields();
  const iface = z.object({
    name: z.string(),
    mac: optString,
    sandbox: optString,
  });
  const ipc = z.object({
    // Required by the spec; Go accepts it missing, so do we (derived from the address when needed).
    version: z.optional(z.enum(["4", "6"])),
    interface: optUint,
    address: cidrString,
    gateway: optIp,
  });
  const route = z.object({ dst: cidrString, gw: optIp });
  return z.object({
    cniVersion: optString,
    interfaces: z.optional(z.array(iface)),
    ips: z.optional(z.array(ipc)),
    routes: z.optional(z.array(route)),
    dns: z.optional(dnsSchema),
  });
}

let cached: ReturnType<typeof build> | undefined;
/** Schema of a 0.3.x/0.4.0 result (built once, on first call). */
export function getResult040Schema(): ReturnType<typeof build> {
  return (cached ??= build());
}

export type Result040 = z.infer<ReturnType<typeof build>>;
export type Interface040 = NonNullable<Result040["interfaces"]>[number];
export type IPConfig040 = NonNullable<Result040["ips"]>[number];
export type Route040 = NonNullable<Result040["routes"]>[number];
