import { pluginMain } from "@tscni/skel";
import { fixturePlugin } from "./plugin.js";

pluginMain(fixturePlugin);
