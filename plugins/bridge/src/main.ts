import { pluginMain } from "@tscni/skel";
import { bridgePlugin } from "./plugin.js";

void pluginMain(bridgePlugin);
