import { describe, expect, it } from "vitest";
import { ALL_VERSIONS, CURRENT_VERSION, CniError, compareVersions, isKnownVersion, parseVersion, supportsMultipleAddresses } from "../src/index.js";

describe("versions", () => {
  it("lists the seven spec versions in order, current last", () => {
    expect(ALL_VERSIONS).toEqual(["0.1.0", "0.2.0", "0.3.0", "0.3.1", "0.4.0", "1.0.0", "1.1.0"]);
    expect(CURRENT_VERSION).toBe("1.1.0");
    for (let i = 1; i < ALL_VERSIONS.length; i++) expect(compareVersions(ALL_VERSIONS[i - 1]!, ALL_VERSIONS[i]!)).toBeLessThan(0);
  });

  it("compares numerically per part, not as strings", () => {
    expect(compareVersions("0.10.0", "0.9.0")).toBeGreaterThan(0);
    expect(compareVersions("1.1.0", "1.1.0")).toBe(0);
    expect(compareVersions("1.0", "1.0.0")).toBe(0);
    expect(compareVersions("2", "1.9.9")).toBeGreaterThan(0);
    // Go: an empty version means 0.1.0.
    expect(compareVersions("", "0.1.0")).toBe(0);
  });

  it("malformed versions are a decode failure (code 6)", () => {
    for (const bad of ["1.0.0.0", "1.x.0", "v1.0.0", "1..0", "-1.0.0"]) {
      try {
        parseVersion(bad);
        expect.unreachable(bad);
      } catch (e) {
        expect(e).toBeInstanceOf(CniError);
        expect((e as CniError).code).toBe(6);
      }
    }
  });

  it("isKnownVersion accepts exactly the list", () => {
    expect(ALL_VERSIONS.every(isKnownVersion)).toBe(true);
    for (const v of ["", "1.2.0", "0.3", "1.0", 1, undefined]) expect(isKnownVersion(v)).toBe(false);
  });

  it("only 0.3.0 and later results hold several addresses per family", () => {
    expect(ALL_VERSIONS.filter(supportsMultipleAddresses)).toEqual(["0.3.0", "0.3.1", "0.4.0", "1.0.0", "1.1.0"]);
    expect(supportsMultipleAddresses("")).toBe(false);
  });
});
