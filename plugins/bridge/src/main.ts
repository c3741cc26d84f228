import { pluginMain } from "@tscni/skel";
import pkg from "../package.json" with { type: "json" };
import type { BridgeEarly } from "./early.js";

// VERSION evaluates only this and skel's light part. ADD and DEL start their slowest step
// (early-add.ts, early-del.ts: see early.ts) before the plugin's modules and schema load; the handlers claim it.
void pluginMain<BridgeEarly>({
  about: `tscni bridge v${pkg.version}`,
  early: (call) =>
    call.command === "ADD" ? import("./early-add.js").then((m) => m.startIpam(call))
    : call.command === "DEL" && call.netns !== "" ? import("./early-del.js").then((m) => m.startLinkDeletion(call))
    : undefined,
  load: async () => {
    const [{ bridgePlugin }, { reportExecStatsAtExit }] = await Promise.all([import("./plugin.js"), import("./exec-stats.js")]);
    reportExecStatsAtExit();
    return bridgePlugin;
  },
});
