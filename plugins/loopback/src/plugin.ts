import type { Plugin } from "@tscni/skel";
import pkg from "../package.json" with { type: "json" };
import { loopbackConfigSchema } from "./config.js";
import { add, check, del, nothing } from "./handlers.js";

export const loopbackPlugin: Plugin<typeof loopbackConfigSchema> = {
  about: `tscni loopback v${pkg.version}`,
  config: loopbackConfigSchema,
  add,
  del,
  check,
  // ADD only brings lo up, which is no half-made state; DEL would take down an lo that was up before.
  undoAdd: nothing,
  status: nothing,
  gc: nothing,
  init: nothing,
  deinit: nothing,
};
