// Result shape of 0.1.0 and 0.2.0: at most one address per family, routes nested under it.
// Built on first use, like the 0.4.0 shape.
import * as z from "zod/mini";
import { fields } from "./fields.js";
import { optString } from "./optional-nodes.js";

function build() {
  const { cidrString, dnsSchema, optIp } = fields();
  const route = z.object({ dst: cidrString, gw: optIp });
  const optIpc = z.optional(
    z.object({
      ip: cidrString,
      gateway: optIp,
      routes: z.optional(z.array(route)),
    }),
  );
  return z.object({
    cniVersion: optString,
    ip4: optIpc,
    ip6: optIpc,
    dns: z.optional(dnsSchema),
  });
}

let cached: ReturnType<typeof build> | undefined;
/** Schema of a 0.1.0/0.2.0 result (built once, on first call). */
export function getResult020Schema(): ReturnType<typeof build> {
  return (cached ??= build());
}

export type Result020 = z.infer<ReturnType<typeof build>>;
export type IPConfig020 = NonNullable<Result020["ip4"]>;
export type Route020 = NonNullable<IPConfig020["routes"]>[number];
