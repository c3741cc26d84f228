import * as z from "zod/mini";
import { optString, optStrings } from "@tscni/types";

// Shapes only; the meaning of each string (CIDR, IP, path) is checked in normalise.ts,
// which names the failing key. Objects are loose: unknown keys belong to other plugins.

/** Builds every shape; called once, on the first parse (VERSION never parses a config). */
function buildShapes() {
  const optNumber = z.optional(z.number());

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
    mtu: optNumber,
    advmss: optNumber,
    priority: optNumber,
    table: optNumber,
    scope: optNumber,
  });

  /** The range keys of an `ipam` section, as host-local defines them; a plugin adds its own keys. */
  const ipamShape = {
    type: optString,
    // Legacy single range, prepended to `ranges`.
    subnet: optString,
    rangeStart: optString,
    rangeEnd: optString,
    gateway: optString,
    ranges: z.optional(z.array(rangeSetSchema)),
    routes: z.optional(z.array(routeSchema)),
    resolvConf: optString,
  };

  const attachmentSchema = z.looseObject({ containerID: z.string(), ifname: z.string() });

  /** Top-level keys an IPAM plugin reads from the network config it is given (besides `ipam`). */
  const configShape = {
    cniVersion: optString,
    name: z.string(),
    type: optString,
    runtimeConfig: z.optional(
      z.looseObject({
        ips: optStrings,
        ipRanges: z.optional(z.array(rangeSetSchema)),
      }),
    ),
    args: z.optional(z.looseObject({ cni: z.optional(z.looseObject({ ips: optStrings })) })),
    "cni.dev/valid-attachments": z.optional(z.array(attachmentSchema)),
  };

  /** What normaliseRanges reads; plugins' own schemas extend these shapes. */
  const rangesConfigSchema = z.looseObject({ ...configShape, ipam: z.looseObject(ipamShape) });

  return { rangeSchema, rangeSetSchema, routeSchema, attachmentSchema, ipamShape, configShape, rangesConfigSchema };
}

type Shapes = ReturnType<typeof buildShapes>;
let built: Shapes | undefined;
/** The shared shapes, built on first use and then reused by every plugin schema built on them. */
export const rangeShapes = (): Shapes => (built ??= buildShapes());

export type RangesConfig = z.infer<Shapes["rangesConfigSchema"]>;
export type RangeInput = z.infer<Shapes["rangeSchema"]>;
export type RouteInput = z.infer<Shapes["routeSchema"]>;
