import { CniError, ErrorCode } from "@tscni/types";
import { rangeSetString } from "@tscni/ipam-ranges";
import { load, type HostLocalContext } from "./context.js";

/** STATUS: code 50 when a range set has no address left, since every ADD needs one from each. */
export function status(ctx: HostLocalContext): void {
  const { conf, allocator } = load(ctx);
  const free = allocator.freeCounts();
  const full = conf.ranges.filter((_, i) => free[i]! <= 0n);
  if (full.length > 0)
    throw new CniError(ErrorCode.NotAvailable, `no IP addresses available in range set: ${full.map(rangeSetString).join("; ")}`);
}
