import { describe, expect, it } from "vitest";
import { CniError, decodeVersionResult } from "../src/index.js";
import { code } from "./catch.js";


describe("decodeVersionResult (Go's PluginDecoder rules)", () => {
  it("returns a well-formed VERSION answer as is", () => {
    const v = { cniVersion: "1.0.0", supportedVersions: ["0.1.0", "0.2.0", "0.3.0", "0.3.1", "0.4.0", "1.0.0"] };
    expect(decodeVersionResult(v)).toEqual(v);
  });

  it("a 0.2.0 plugin without a list supports 0.1.0 and 0.2.0", () => {
    expect(decodeVersionResult({ cniVersion: "0.2.0" })).toEqual({ cniVersion: "0.2.0", supportedVersions: ["0.1.0", "0.2.0"] });
    expect(decodeVersionResult({ cniVersion: "0.2.0", supportedVersions: [] }).supportedVersions).toEqual(["0.1.0", "0.2.0"]);
  });

  it("missing cniVersion or list is a decode failure (code 6)", () => {
    expect(code(() => decodeVersionResult({ supportedVersions: ["1.0.0"] }))).toBe(6);
    expect(code(() => decodeVersionResult({ cniVersion: "", supportedVersions: ["1.0.0"] }))).toBe(6);
    expect(code(() => decodeVersionResult({ cniVersion: "1.0.0" }))).toBe(6);
    expect(code(() => decodeVersionResult({ cniVersion: "1.0.0", supportedVersions: [] }))).toBe(6);
    expect(code(() => decodeVersionResult("1.0.0"))).toBe(6);
    expect(() => decodeVersionResult({ cniVersion: "1.0.0", supportedVersions: ["1.0.0", 2] })).toThrowError(
      expect.objectContaining({ code: 6, message: "decoding version info: supportedVersions[1]", details: "supportedVersions[1]: expected string, got number 2" }),
    );
  });
});
