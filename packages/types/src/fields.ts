// Field schemas shared by the result shapes of every version. Built on first use
// (a cold zod schema class costs a few hundred µs in a fresh process, and only
// verbs that handle results need these).
import * as z from "zod/mini";
import { isCIDR, isIP } from "./ip.js";

function build() {
  return {
    cidrString: z.string().check(z.refine(isCIDR, "expected an IP address with prefix length (CIDR), e.g. \"10.1.0.5/16\"")),
    ipString: z.string().check(z.refine(isIP, "expected an IP address")),
    /** JSON numbers the spec calls uint. */
    uint: z.int().check(z.nonnegative()),
    /** Result and config `dns` object; every key optional. */
    dnsSchema: z.object({
      nameservers: z.optional(z.array(z.string())),
      domain: z.optional(z.string()),
      search: z.optional(z.array(z.string())),
      options: z.optional(z.array(z.string())),
    }),
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
