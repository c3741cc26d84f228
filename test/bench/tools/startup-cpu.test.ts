import { describe, expect, it } from "vitest";
import { measureStartup, parseTimes } from "./startup-cpu.js";

describe("startup CPU measurement", () => {
  it("reads the children's line of `times` in dash and bash formats", () => {
    expect(parseTimes("0m0.004000s 0m0.002000s\n0m1.250000s 0m0.500000s\n")).toBeCloseTo(1.75, 9);
    expect(parseTimes("0m0.001s 0m0.000s\n2m0.010s 0m0.020s\n")).toBeCloseTo(120.03, 9);
    expect(() => parseTimes("garbage")).toThrow(/times/);
  });

  it("measures every case, sequentially and concurrently, with one sample per round", () => {
    for (const concurrent of [false, true]) {
      const rows = measureStartup([{ name: "true", argv: ["/bin/true"] }, { name: "sh", argv: ["sh", "-c", ":"] }], { rounds: 2, batch: 3, concurrent });
      expect(rows.map((r) => r.name)).toEqual(["true", "sh"]);
      for (const r of rows) {
        expect(r.rounds).toBe(2);
        expect(Number.isFinite(r.cpuMs) && r.cpuMs >= 0).toBe(true);
        expect(r.wallMs).toBeGreaterThan(0);
        expect(r.cpuQuartiles[0] <= r.cpuMs && r.cpuMs <= r.cpuQuartiles[1]).toBe(true);
        expect(r.wallQuartiles[0] <= r.wallMs && r.wallMs <= r.wallQuartiles[1]).toBe(true);
      }
    }
  });

  it("a failing exec fails the measurement instead of producing a number", () => {
    expect(() => measureStartup([{ name: "false", argv: ["/bin/false"] }], { rounds: 1, batch: 2 })).toThrow(/false: an exec failed/);
    expect(() => measureStartup([{ name: "false", argv: ["/bin/false"] }], { rounds: 1, batch: 2, concurrent: true })).toThrow(/an exec failed/);
  });
});
