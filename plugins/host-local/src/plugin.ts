import type { Plugin } from "@tscni/skel";
import pkg from "../package.json" with { type: "json" };
import { add, check, deinit, del, gc, init, status } from "./handlers/index.js";
import { configSchema } from "./schema.js";

export const plugin: Plugin<typeof configSchema> = {
  about: `tscni host-local v${pkg.version}`,
  config: configSchema,
  add,
  del,
  check,
  status,
  gc,
  init,
  deinit,
};
