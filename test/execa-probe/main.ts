// A plugin that imports execa statically, as neither skel nor a plugin may:
// test/execa-in-bundles.test.ts builds it to show that its check finds execa in both
// targets when something on a plugin's path imports it.
import { execa } from "execa";
import { pluginMain } from "@tscni/skel";
import { netConfSchema } from "@tscni/types";

void pluginMain({
  config: netConfSchema,
  add: async () => {
    await execa("true");
    return { cniVersion: "1.1.0" };
  },
  del: () => {},
});
