import { CniError, ErrorCode } from "@tscni/types";
import { firstUnheldAddress } from "@tscni/ipam-ranges";
import { load, type HostLocalContext } from "./context.js";

/**
 * CHECK: the attachment must hold at least one reservation (what Go checks), and
 * every prevResult address that lies in our ranges must be reserved by it.
 */
export function check(ctx: HostLocalContext): void {
  const { conf, allocator } = load(ctx);
  const mine = new Set(allocator.find(ctx.containerId, ctx.ifname));
  if (mine.size === 0)
    throw new CniError(ErrorCode.UnknownContainer, `host-local: failed to find address added by container ${ctx.containerId} (${ctx.ifname})`);
  const missing = firstUnheldAddress(ctx.prevResult?.ips ?? [], conf.ranges, mine);
  if (missing !== undefined)
    throw new CniError(ErrorCode.UnknownContainer, `host-local: ${missing} from prevResult is not reserved for ${ctx.containerId} (${ctx.ifname})`);
}
