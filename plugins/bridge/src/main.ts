import { pluginMain } from "@tscni/skel";
import pkg from "../package.json" with { type: "json" };
import type { BridgeEarly } from "./early.js";

// VERSION evaluates only this and skel's light part. ADD and DEL start their slowest step
// (early.ts) before the plugin's modules and schema load; the handlers claim it.
void pluginMain<BridgeEarly>({
  about: `tscni bridge v${pkg.version}`,
  early: (call) => import("./early.js").then((m) => m.startEarly(call)),
  load: async () => {
    const [{ bridgePlugin }, { reportExecStatsAtExit }] = await Promise.all([import("./plugin.js"), import("./exec-stats.js")]);
    reportExecStatsAtExit();
    return bridgePlugin;
  },
});
