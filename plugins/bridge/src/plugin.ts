import type { Plugin } from "@tscni/skel";
import pkg from "../package.json" with { type: "json" };
import { bridgeConfigSchema } from "./schema.js";
import { add } from "./handlers/add.js";
import { del } from "./handlers/del.js";
import { check } from "./handlers/check.js";
import { deinit, gc, init, status } from "./handlers/lifecycle.js";

export const bridgePlugin: Plugin<typeof bridgeConfigSchema> = {
  about: `tscni bridge v${pkg.version}`,
  config: bridgeConfigSchema,
  add,
  del,
  check,
  status,
  gc,
  init,
  deinit,
};
