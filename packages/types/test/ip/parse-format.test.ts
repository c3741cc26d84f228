import { describe, expect, it } from "vitest";
import fc from "fast-check";
import { isIP } from "node:net";
import { formatIP, formatV6, parseIP, unmap, ipFrom, v4, toBytes, fromBytes, isV4Mapped, toV4Mapped, compareIP, V6_MAX } from "../../src/ip/index.js";

const v4Value = fc.bigInt({ min: 0n, max: 0xffffffffn });
const v6Value = fc.bigInt({ min: 0n, max: V6_MAX });
// v6 values with many zero groups, so compression paths get exercised.
const sparseV6 = fc.array(fc.oneof(fc.constant(0), fc.constant(0), fc.integer({ min: 0, max: 0xffff })), { minLength: 8, maxLength: 8 })
  .map((gs) => gs.reduce((acc, g) => (acc << 16n) | BigInt(g), 0n));

describe("parseIP", () => {
  it.each([
    ["0.0.0.0", 4, 0n],
    ["255.255.255.255", 4, 0xffffffffn],
    ["10.1.2.3", 4, 0x0a010203n],
    ["::", 6, 0n],
    ["::1", 6, 1n],
    ["1::", 6, 1n << 112n],
    ["2001:DB8::1", 6, 0x20010db8000000000000000000000001n],
    ["1:2:3:4:5:6:7:8", 6, 0x00010002000300040005000600070008n],
    ["1:2:3:4:5:6:7::", 6, 0x00010002000300040005000600070000n],
    ["::2:3:4:5:6:7:8", 6, 0x00000002000300040005000600070008n],
    ["::ffff:1.2.3.4", 6, 0xffff01020304n],
    ["64:ff9b::192.0.2.33", 6, 0x0064ff9b0000000000000000c0000221n],
    ["1:2:3:4:5:6:1.2.3.4", 6, 0x00010002000300040005000601020304n],
  ] as const)("parses %s", (s, family, value) => {
    expect(parseIP(s)).toEqual({ family, value });
  });

  it.each([
    "", "1.2.3", "1.2.3.4.5", "256.1.1.1", "01.2.3.4", "1.2.3.04", "1.2.3.4 ", " 1.2.3.4", "1..2.3", "1.2.3.-4",
    "+1.2.3.4", "0x1.2.3.4", ":", ":::", "1:::2", "1::2::3", "1:2:3:4:5:6:7:8:9", "1:2:3:4:5:6:7", "12345::",
    "::g", "1:2:3:4:5:6:7:8::", "::1:2:3:4:5:6:7:8", "1:", ":1", "fe80::1%eth0", "[::1]", "1.2.3.4::",
    "::1.2.3", "1:2:3:4:5:6:7:1.2.3.4", "::1.2.3.4:5", "::01.2.3.4",
  ])("rejects %j", (s) => {
    expect(parseIP(s)).toBeUndefined();
  });

  it("accepts exactly what node:net accepts, for generated v4 text", () => {
    fc.assert(fc.property(fc.array(fc.integer({ min: 0, max: 300 }), { minLength: 3, maxLength: 5 }), (parts) => {
      const s = parts.join(".");
      expect(parseIP(s) !== undefined).toBe(isIP(s) === 4);
    }));
  });
});

describe("formatIP", () => {
  it.each([
    ["::", { family: 6, value: 0n }],
    ["::1", { family: 6, value: 1n }],
    ["2001:db8::1:0:0:1", { family: 6, value: 0x20010db8000000000001000000000001n }], // first longest run wins
    ["2001:db8:1:0:1:1:1:1", { family: 6, value: 0x20010db8000100000001000100010001n }], // single zero group kept
    ["10.0.0.1", { family: 6, value: 0xffff0a000001n }], // v4-mapped prints as v4, like Go
    ["::fffe:a00:1", { family: 6, value: 0xfffe0a000001n }],
    ["192.168.0.1", { family: 4, value: 0xc0a80001n }],
  ] as const)("formats %s", (s, ip) => {
    expect(formatIP(ip)).toBe(s);
  });

  it("v6 form equals the WHATWG URL serialiser (also RFC 5952) for non-mapped addresses", () => {
    fc.assert(fc.property(fc.oneof(v6Value, sparseV6), (v) => {
      const ref = new URL(`http://[${formatV6(v)}]/`).hostname.slice(1, -1);
      expect(formatV6(v)).toBe(ref);
    }), { numRuns: 2000 });
  });

  it("round-trips: parse(format(ip)) is ip (mapped addresses come back as v4)", () => {
    fc.assert(fc.property(fc.oneof(v4Value.map((v) => ipFrom(4, v)), fc.oneof(v6Value, sparseV6).map((v) => ipFrom(6, v))), (ip) => {
      const back = parseIP(formatIP(ip));
      expect(back).toEqual(unmap(ip));
    }), { numRuns: 2000 });
  });

  it("format is canonical: format(parse(s)) is a fixed point", () => {
    fc.assert(fc.property(fc.oneof(v6Value, sparseV6), fc.boolean(), (v, upper) => {
      let s = formatV6(v);
      if (upper) s = s.toUpperCase();
      const once = formatIP(parseIP(s)!);
      expect(formatIP(parseIP(once)!)).toBe(once);
    }));
  });
});

describe("addr helpers", () => {
  it("bytes round-trip", () => {
    fc.assert(fc.property(fc.oneof(v4Value.map((v) => ipFrom(4, v)), v6Value.map((v) => ipFrom(6, v))), (ip) => {
      const b = toBytes(ip);
      expect(b.length).toBe(ip.family === 4 ? 4 : 16);
      expect(fromBytes(b)).toEqual(ip);
    }));
    expect(fromBytes(new Uint8Array(5))).toBeUndefined();
  });

  it("maps and unmaps v4", () => {
    const ip = v4(10, 0, 0, 1);
    expect(isV4Mapped(toV4Mapped(ip))).toBe(true);
    expect(unmap(toV4Mapped(ip))).toEqual(ip);
    expect(unmap(parseIP("::1")!)).toEqual(parseIP("::1"));
    expect(v4(255, 255, 255, 255).value).toBe(0xffffffffn);
  });

  it("rejects out-of-range values", () => {
    expect(() => ipFrom(4, 1n << 32n)).toThrow(RangeError);
    expect(() => ipFrom(6, -1n)).toThrow(RangeError);
  });

  it("orders v4 before v6, then by value", () => {
    expect(compareIP(v4(1, 1, 1, 1), parseIP("::")!)).toBe(-1);
    expect(compareIP(v4(1, 1, 1, 2), v4(1, 1, 1, 1))).toBe(1);
    expect(compareIP(v4(1, 1, 1, 1), v4(1, 1, 1, 1))).toBe(0);
  });
});
