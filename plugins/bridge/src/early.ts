import type { EarlyWork } from "@tscni/skel";
import type { Delegation } from "@tscni/invoke/start";

/**
 * What the bridge starts before its modules load: each verb's slowest step that needs only
 * the env and the raw config. skel runs the hook only where it lets the call through (its
 * env rules, a valid network name, not our own netns), so a call it turns away has done
 * nothing. One module per verb (early-add.ts, early-del.ts; main.ts picks), so each loads
 * only what it starts: this code runs before anything else it could share a load with.
 */
export interface BridgeEarly extends EarlyWork {
  /** ADD: the IPAM ADD (exec'd now; our own host-local runs in-process when add() claims it). */
  ipam?: Delegation<"ADD">;
  /** DEL: the container end's deletion (resolves when deleted or already gone). */
  linkDel?: Promise<boolean>;
}
