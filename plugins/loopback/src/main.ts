import { pluginMain } from "@tscni/skel";
import { loopbackPlugin } from "./plugin.js";

void pluginMain(loopbackPlugin);
