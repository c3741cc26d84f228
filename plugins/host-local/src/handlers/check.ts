import { CniError, ErrorCode } from "@tscni/types";
import { firstUnheldAddress } from "@tscni/ipam-ranges";
import { load, type HostLocalContext } from "./context.js";

/**
 * CHECK: the attachment must hold at least one reservation (what Go checks), and
 * every prevResult address that lies in our ranges must be reserved by it. Either
 * failure is code 999 as in Go: code 3 would tell the runtime there is nothing to clean up.
 */
export function check(ctx: HostLocalContext): void {
  const { conf, allocator } = load(ctx);
  const mine = new Set(allocator.find(ctx.containerId, ctx.ifname));
  if (mine.size === 0)
    throw new CniError(ErrorCode.Internal, `host-local: failed to find address added by container ${ctx.containerId} (${ctx.ifname})`);
  const missing = firstUnheldAddress(ctx.prevResult?.ips ?? [], conf.ranges, mine);
  if (missing !== undefined)
    throw new CniError(ErrorCode.Internal, `host-local: ${missing} from prevResult is not reserved for ${ctx.containerId} (${ctx.ifname})`);
}
