import { pluginMain } from "@tscni/skel";
import { bridgePlugin } from "./plugin.js";
import { reportExecStatsAtExit } from "./exec-stats.js";

reportExecStatsAtExit();
void pluginMain(bridgePlugin);
