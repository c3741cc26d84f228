import { pluginMain } from "@tscni/skel";
import { setMtuPlugin } from "./plugin.js";

void pluginMain(setMtuPlugin);
