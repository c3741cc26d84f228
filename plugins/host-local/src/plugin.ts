import type { Plugin } from "@tscni/skel";
import { add, check, deinit, del, gc, init, status } from "./handlers/index.js";
import { configSchema } from "./schema.js";

export const plugin: Plugin<typeof configSchema> = {
  about: "tscni host-local v0.1.0",
  config: configSchema,
  add,
  del,
  check,
  status,
  gc,
  init,
  deinit,
};
