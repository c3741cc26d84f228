import * as z from "zod/mini";

// Shapes only; the meaning of each string (CIDR, IP, path) is checked in config.ts,
// which names the failing key. Objects are loose: unknown keys belong to other plugins.

/** Builds every schema; called once, on the first parse (VERSION never parses a config). */
function buildSchemas() {
  const optString = z.optional(z.string());

  const rangeSchema = z.looseObject({
    subnet: optString,
    rangeStart: optString,
    rangeEnd: optString,
    gateway: optString,
  });

  const rangeSetSchema = z.array(rangeSchema);

  const routeSchema = z.looseObject({
    dst: z.string(),
    gw: optString,
    mtu: z.optional(z.number()),
    advmss: z.optional(z.number()),
    priority: z.optional(z.number()),
    table: z.optional(z.number()),
    scope: z.optional(z.number()),
  });

  const ipamSchema = z.looseObject({
    type: optString,
    // Legacy single range, prepended to `ranges`.
    subnet: optString,
    rangeStart: optString,
    rangeEnd: optString,
    gateway: optString,
    ranges: z.optional(z.array(rangeSetSchema)),
    routes: z.optional(z.array(routeSchema)),
    dataDir: optString,
    resolvConf: optString,
  });

  const attachmentSchema = z.looseObject({ containerID: z.string(), ifname: z.string() });

  /** host-local gets the whole network config of the plugin that delegates to it. */
  const configSchema = z.looseObject({
    cniVersion: optString,
    name: z.string(),
    type: optString,
    ipam: ipamSchema,
    runtimeConfig: z.optional(
      z.looseObject({
        ips: z.optional(z.array(z.string())),
        ipRanges: z.optional(z.array(rangeSetSchema)),
      }),
    ),
    args: z.optional(z.looseObject({ cni: z.optional(z.looseObject({ ips: z.optional(z.array(z.string())) })) })),
    "cni.dev/valid-attachments": z.optional(z.array(attachmentSchema)),
  });

  return { rangeSchema, rangeSetSchema, routeSchema, ipamSchema, configSchema };
}

type Schemas = ReturnType<typeof buildSchemas>;
let built: Schemas | undefined;
/** The config's sub-schemas (range, range set, route, ipam), built on first use. */
export const getSchemas = (): Schemas => (built ??= buildSchemas());

/** host-local gets the whole network config of the plugin that delegates to it. z.lazy keeps it a normal schema for skel. */
export const configSchema = z.lazy(() => getSchemas().configSchema);

export type HostLocalConfig = z.infer<Schemas["configSchema"]>;
export type RangeInput = z.infer<Schemas["rangeSchema"]>;
export type RouteInput = z.infer<Schemas["routeSchema"]>;
