import { pluginMain } from "@tscni/skel";
import pkg from "../package.json" with { type: "json" };
import { startEarly, type BridgeEarly } from "./early.js";

// VERSION evaluates only this and skel's light part. ADD and DEL start their slowest step
// (early.ts: one module per verb) before the plugin's modules and schema load; the handlers claim it.
void pluginMain<BridgeEarly>({
  about: `tscni bridge v${pkg.version}`,
  early: startEarly,
  load: async () => {
    const [{ bridgePlugin }, { reportExecStatsAtExit }] = await Promise.all([import("./plugin.js"), import("./exec-stats.js")]);
    reportExecStatsAtExit();
    return bridgePlugin;
  },
});
