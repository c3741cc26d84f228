// Field schemas shared by the result shapes of every version.
import * as z from "zod/mini";
import { isCIDR, isIP } from "./ip.js";

export const cidrString = /* @__PURE__ */ z.string().check(z.refine(isCIDR, "expected an IP address with prefix length (CIDR), e.g. \"10.1.0.5/16\""));
export const ipString = /* @__PURE__ */ z.string().check(z.refine(isIP, "expected an IP address"));
/** JSON numbers the spec calls uint. */
export const uint = /* @__PURE__ */ z.int().check(z.nonnegative());

/** Result and config `dns` object; every key optional. */
export const dnsSchema = z.object({
  nameservers: z.optional(z.array(z.string())),
  domain: z.optional(z.string()),
  search: z.optional(z.array(z.string())),
  options: z.optional(z.array(z.string())),
});
export type DNS = z.infer<typeof dnsSchema>;

export function dnsIsEmpty(d: DNS | undefined): boolean {
  return !d || (!d.nameservers?.length && !d.domain && !d.search?.length && !d.options?.length);
}
