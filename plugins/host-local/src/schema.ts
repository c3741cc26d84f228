import * as z from "zod/mini";
import { rangeShapes } from "@tscni/ipam-ranges";

// The range keys are @tscni/ipam-ranges' shapes; host-local adds `ipam.dataDir`.

/** Builds every schema; called once, on the first parse (VERSION never parses a config). */
function buildSchemas() {
  const { rangeSchema, rangeSetSchema, routeSchema, ipamShape, configShape } = rangeShapes();
  const ipamSchema = z.looseObject({ ...ipamShape, dataDir: z.optional(z.string()) });
  /** host-local gets the whole network config of the plugin that delegates to it. */
  const configSchema = z.looseObject({ ...configShape, ipam: ipamSchema });
  return { rangeSchema, rangeSetSchema, routeSchema, ipamSchema, configSchema };
}

type Schemas = ReturnType<typeof buildSchemas>;
let built: Schemas | undefined;
/** The config's sub-schemas (range, range set, route, ipam), built on first use. */
export const getSchemas = (): Schemas => (built ??= buildSchemas());

/** host-local gets the whole network config of the plugin that delegates to it. z.lazy keeps it a normal schema for skel. */
export const configSchema = z.lazy(() => getSchemas().configSchema);

export type HostLocalConfig = z.infer<Schemas["configSchema"]>;
