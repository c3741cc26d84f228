import { pluginMain } from "@tscni/skel";
import { netOpsPlugin } from "./plugin.js";

void pluginMain(netOpsPlugin);
