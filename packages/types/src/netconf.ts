// The request configuration a plugin reads on stdin (SPEC.md section 1 and 3).
import * as z from "zod/mini";
import { optString, optStrings } from "./optional-nodes.js";
import { VALID_ATTACHMENTS_KEY, validAttachmentSchema } from "./valid-attachments.js";

const optJsonObject = z.optional(z.record(z.string(), z.unknown()));

/** Config `dns`: the spec's keys, anything else passed through. */
export const netConfDnsSchema = z.looseObject({
  nameservers: optStrings,
  domain: optString,
  search: optStrings,
  options: optStrings,
});

/** `ipam`: only `type` is defined by the spec; an empty type means "no IPAM" (as Go's bridge reads it). */
export const ipamConfSchema = z.looseObject({ type: optString });

/**
 * Plugin configuration. Loose: unknown keys are kept, so plugins extend it with
 * `z.extend(netConfSchema, {...})`. Only `type` is required (SPEC.md "Required keys");
 * cniVersion and name are set by runtimes but, as in Go, not demanded here.
 */
export const netConfSchema = z.looseObject({
  cniVersion: optString,
  name: optString,
  type: z.string(),
  capabilities: z.optional(z.record(z.string(), z.boolean())),
  ipam: z.optional(ipamConfSchema),
  dns: z.optional(netConfDnsSchema),
  args: optJsonObject,
  runtimeConfig: optJsonObject,
  /** Raw, in the config's cniVersion; skel converts it with toCurrentResult. */
  prevResult: optJsonObject,
  [VALID_ATTACHMENTS_KEY]: z.optional(z.array(validAttachmentSchema)),
});
export type NetConf = z.infer<typeof netConfSchema>;
