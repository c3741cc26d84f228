import { mark } from "./trace.js";
import { pluginMain } from "@tscni/skel";
import { bridgePlugin } from "./plugin.js";
import { reportExecStatsAtExit } from "./exec-stats.js";

mark("imports done");
reportExecStatsAtExit();
void pluginMain(bridgePlugin);
