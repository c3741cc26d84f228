import type { Plugin } from "@tscni/skel";
import { loopbackConfigSchema } from "./config.js";
import { add, check, del, nothing } from "./handlers.js";

// The executable's entry (main.ts) gives skel the about line.
export const loopbackPlugin: Plugin<typeof loopbackConfigSchema> = {
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
