import type { Plugin } from "@tscni/skel";
import type { BridgeEarly } from "./early.js";
import { bridgeConfigSchema } from "./schema.js";
import { add } from "./handlers/add.js";
import { del } from "./handlers/del.js";
import { check } from "./handlers/check.js";
import { deinit, gc, init, status } from "./handlers/lifecycle.js";

// The executable's entry (main.ts) gives skel the about line and the early hook.
export const bridgePlugin: Plugin<typeof bridgeConfigSchema, BridgeEarly> = {
  config: bridgeConfigSchema,
  add,
  del,
  check,
  status,
  gc,
  init,
  deinit,
};
