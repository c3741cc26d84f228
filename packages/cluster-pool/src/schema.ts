import * as z from "zod/mini";
import { rangeShapes } from "@tscni/ipam-ranges";

// The cluster-ipam config: host-local's range keys (shared shapes) plus etcd, block sizes
// and the node name. Shapes only; config.ts checks meanings and names the failing key.

function build() {
  const { ipamShape, configShape } = rangeShapes();
  const optString = z.optional(z.string());
  const etcdSchema = z.looseObject({
    endpoints: z.array(z.string()),
    prefix: optString,
    timeoutMs: z.optional(z.number()),
    tls: z.optional(z.looseObject({ ca: optString, cert: optString, key: optString })),
    username: optString,
    passwordFile: optString,
    tokenCache: optString,
  });
  const ipamSchema = z.looseObject({
    ...ipamShape,
    etcd: etcdSchema,
    blockSize: z.optional(z.number()),
    blockSizeV6: z.optional(z.number()),
    nodeName: optString,
  });
  const configSchema = z.looseObject({ ...configShape, ipam: ipamSchema });
  return { etcdSchema, ipamSchema, configSchema };
}

type Schemas = ReturnType<typeof build>;
let built: Schemas | undefined;
export const clusterSchemas = (): Schemas => (built ??= build());

/** The whole network config a delegating plugin passes to cluster-ipam; built on first parse. */
export const clusterConfigSchema = z.lazy(() => clusterSchemas().configSchema);

export type ClusterIpamConfig = z.infer<Schemas["configSchema"]>;
export type EtcdSection = z.infer<Schemas["etcdSchema"]>;
