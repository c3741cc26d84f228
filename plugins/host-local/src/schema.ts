import * as z from "zod/mini";

// Shapes only; the meaning of each string (CIDR, IP, path) is checked in config.ts,
// which names the failing key. Objects are loose: unknown keys belong to other plugins.

const optString = z.optional(z.string());

export const rangeSchema = z.looseObject({
  subnet: optString,
  rangeStart: optString,
  rangeEnd: optString,
  gateway: optString,
});

export const rangeSetSchema = z.array(rangeSchema);

export const routeSchema = z.looseObject({
  dst: z.string(),
  gw: optString,
  mtu: z.optional(z.number()),
  advmss: z.optional(z.number()),
  priority: z.optional(z.number()),
  table: z.optional(z.number()),
  scope: z.optional(z.number()),
});

export const ipamSchema = z.looseObject({
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
export const configSchema = z.looseObject({
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

export type HostLocalConfig = z.infer<typeof configSchema>;
export type RangeInput = z.infer<typeof rangeSchema>;
export type RouteInput = z.infer<typeof routeSchema>;
