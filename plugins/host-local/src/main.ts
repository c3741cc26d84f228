import { pluginMain, type EarlyWork } from "@tscni/skel";
import pkg from "../package.json" with { type: "json" };

// VERSION evaluates only this and skel's light part; the plugin's modules load for the other verbs.
void pluginMain<EarlyWork>({
  about: `tscni host-local v${pkg.version}`,
  load: () => import("./plugin.js").then((m) => m.plugin),
});
