import type { Plugin } from "@tscni/skel";
import { add, check, deinit, del, gc, init, status } from "./handlers/index.js";
import { configSchema } from "./schema.js";

// The executable's entry (main.ts) gives skel the about line.
export const plugin: Plugin<typeof configSchema> = {
  config: configSchema,
  add,
  del,
  check,
  status,
  gc,
  init,
  deinit,
};
