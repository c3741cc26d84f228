// The name rules every package checks with (skel, net, build, state, the runtime).
import { describe, expect, it } from "vitest";
import { isPluginName, looseBool, MAX_PLUGIN_NAME_BYTES } from "../src/index.js";

describe("plugin names", () => {
  it("a plugin's file name: letters, digits and _ . + - after a letter or digit, one path component", () => {
    for (const ok of ["bridge", "host-local", "my_plugin.v2", "a+b", "0", "x".repeat(MAX_PLUGIN_NAME_BYTES)]) expect(isPluginName(ok), ok).toBe(true);
    for (const bad of ["", "-x", ".hidden", "_x", "a/b", "../x", "a b", "a\nb", "ü", "x".repeat(MAX_PLUGIN_NAME_BYTES + 1)]) expect(isPluginName(bad), bad).toBe(false);
  });
});

describe("a list's flags", () => {
  it("a JSON boolean or true/false in any case, as libcni reads them; anything else is not a flag", () => {
    expect([true, false, "true", "FALSE", "True"].map(looseBool)).toEqual([true, false, true, false, true]);
    for (const bad of ["yes", "1", 1, 0, null, "", " true"]) expect(looseBool(bad), String(bad)).toBeUndefined();
  });
});
