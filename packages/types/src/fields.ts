// Field schemas shared by the result shapes of every version. Built on first use (only
// verbs that handle results need these), and each node once: a plugin is a fresh process
// per call, where building zod nodes costs more than parsing with them
// (packages/types/README.md), so a repeated optional field reuses one node.
import * as z from "zod/mini";
import { isCIDR, isIP } from "./ip.js";
import { optString, optStrings } from "./optional-nodes.js";

function build() {
  return {
    cidrString: z.string().check(z.refine(isCIDR, "expected an IP address with prefix length (CIDR), e.g. \"10.1.0.5/16\"")),
    /** JSON numbers the spec calls uint. */
    optUint: z.optional(z.int().check(z.nonnegative())),
    optIp: z.optional(z.string().check(z.refine(isIP, "expected an IP address"))),
    /** Result and config `dns` object; every key optional. */
    dnsSchema: z.object({ nameservers: optStrings, domain: optString, search: optStrings, options: optStrings }),
  };
}

let cached: ReturnType<typeof build> | undefined;
export function fields(): ReturnType<typeof build> {
  return (cached ??= build());
}

export const dnsSchema = /* @__PURE__ */ (() => fields().dnsSchema)();
export type DNS = z.infer<ReturnType<typeof build>["dnsSchema"]>;

export function dnsIsEmpty(d: DNS | undefined): boolean {
  return !d || (!d.nameservers?.length && !d.domain && !d.search?.length && !d.options?.length);
}
