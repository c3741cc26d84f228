import { pluginMain } from "@tscni/skel";
import { plugin } from "./plugin.js";

void pluginMain(plugin);
