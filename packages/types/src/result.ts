// The current (1.1.0) result shape; 1.0.0 is the same minus the fields marked "1.1".
// Built on first use: VERSION, DEL, STATUS and GC usually never touch a result, and a
// plugin is exec'd per call. The exported constants are pure, so bundles that do not
// import them (skel only calls convertResult) build nothing until a result is parsed.
import * as z from "zod/mini";
import { fields } from "./fields.js";
import { optString } from "./optional-nodes.js";

function build() {
  const { cidrString, dnsSchema, optIp, optUint } = fields();
  const interfaceSchema = z.object({
    name: z.string(),
    mac: optString,
    mtu: optUint, // 1.1
    sandbox: optString,
    socketPath: optString, // 1.1
    pciID: optString, // 1.1
  });
  const ipConfigSchema = z.object({
    /** Index into `interfaces`; absent in IPAM results. */
    interface: optUint,
    address: cidrString,
    gateway: optIp,
  });
  const routeSchema = z.object({
    dst: cidrString,
    gw: optIp,
    mtu: optUint, // 1.1
    advmss: optUint, // 1.1
    priority: optUint, // 1.1
    table: optUint, // 1.1
    scope: optUint, // 1.1
  });
  /** ADD result, 1.0.0 / 1.1.0. cniVersion is optional so handlers and IPAM plugins may omit it. */
  const resultSchema = z.object({
    cniVersion: optString,
    interfaces: z.optional(z.array(interfaceSchema)),
    ips: z.optional(z.array(ipConfigSchema)),
    routes: z.optional(z.array(routeSchema)),
    dns: z.optional(dnsSchema),
  });
  return { interfaceSchema, ipConfigSchema, routeSchema, resultSchema };
}

type Schemas = ReturnType<typeof build>;
let cached: Schemas | undefined;
/** The 1.x result schemas, built once on first call. */
export function getResultSchemas(): Schemas {
  return (cached ??= build());
}
function pick<K extends keyof Schemas>(k: K): Schemas[K] {
  return getResultSchemas()[k];
}

export const resultSchema = /* @__PURE__ */ pick("resultSchema");
export const interfaceSchema = /* @__PURE__ */ pick("interfaceSchema");
export const ipConfigSchema = /* @__PURE__ */ pick("ipConfigSchema");
export const routeSchema = /* @__PURE__ */ pick("routeSchema");

export type Result = z.infer<Schemas["resultSchema"]>;
export type Interface = z.infer<Schemas["interfaceSchema"]>;
export type IPConfig = z.infer<Schemas["ipConfigSchema"]>;
export type Route = z.infer<Schemas["routeSchema"]>;

export { dnsSchema, type DNS } from "./fields.js";
