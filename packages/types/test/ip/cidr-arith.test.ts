import { describe, expect, it } from "vitest";
import fc from "fast-check";
import {
  addToIP, nextIP, prevIP, ipOffset, iterateRange, parseCIDR, formatCIDR, networkOf, lastOf, cidrContains,
  cidrOverlaps, cidrSize, hasHostBits, canonicalCIDR, maskString, prefixMask, parseIP, ipFrom, V6_MAX, type CIDR,
} from "../../src/ip/index.js";

const ip4 = fc.bigInt({ min: 0n, max: 0xffffffffn }).map((v) => ipFrom(4, v));
const ip6 = fc.bigInt({ min: 0n, max: V6_MAX }).map((v) => ipFrom(6, v));
const cidr4 = fc.tuple(ip4, fc.integer({ min: 0, max: 32 })).map(([ip, prefix]): CIDR => ({ ip, prefix }));
const cidr6 = fc.tuple(ip6, fc.integer({ min: 0, max: 128 })).map(([ip, prefix]): CIDR => ({ ip, prefix }));
const anyCidr = fc.oneof(cidr4, cidr6);

describe("next/prev/offset", () => {
  it("next and prev are inverse inside the address space", () => {
    fc.assert(fc.property(fc.oneof(ip4, ip6), (ip) => {
      const n = nextIP(ip);
      if (n) expect(prevIP(n)).toEqual(ip);
      const p = prevIP(ip);
      if (p) expect(nextIP(p)).toEqual(ip);
    }));
  });

  it("stops at the edges instead of wrapping", () => {
    expect(nextIP(parseIP("255.255.255.255")!)).toBeUndefined();
    expect(prevIP(parseIP("0.0.0.0")!)).toBeUndefined();
    expect(nextIP(parseIP("ffff:ffff:ffff:ffff:ffff:ffff:ffff:ffff")!)).toBeUndefined();
    expect(nextIP(parseIP("10.0.0.255")!)).toEqual(parseIP("10.0.1.0"));
    expect(nextIP(parseIP("::ffff")!)).toEqual(parseIP("::1:0"));
  });

  it("offset is the inverse of add", () => {
    fc.assert(fc.property(fc.oneof(ip4, ip6), fc.bigInt({ min: -(1n << 40n), max: 1n << 40n }), (ip, k) => {
      const r = addToIP(ip, k);
      if (r) expect(ipOffset(ip, r)).toBe(k);
    }));
    expect(() => ipOffset(parseIP("1.1.1.1")!, parseIP("::1")!)).toThrow();
  });

  it("iterates a range inclusively", () => {
    const got = [...iterateRange(parseIP("10.0.0.254")!, parseIP("10.0.1.1")!)].map((x) => x.value & 0xffffn);
    expect(got).toEqual([0x00fen, 0x00ffn, 0x0100n, 0x0101n]);
    expect([...iterateRange(parseIP("10.0.0.2")!, parseIP("10.0.0.1")!)]).toEqual([]);
  });
});

describe("CIDR", () => {
  it.each([
    ["10.0.0.0/8", "10.0.0.0", "10.255.255.255"],
    ["10.1.2.3/24", "10.1.2.0", "10.1.2.255"],
    ["192.168.1.7/32", "192.168.1.7", "192.168.1.7"],
    ["0.0.0.0/0", "0.0.0.0", "255.255.255.255"],
    ["2001:db8::5/64", "2001:db8::", "2001:db8::ffff:ffff:ffff:ffff"],
    ["::/0", "::", "ffff:ffff:ffff:ffff:ffff:ffff:ffff:ffff"],
  ])("%s has network %s and last %s", (s, net, last) => {
    const c = parseCIDR(s)!;
    expect(networkOf(c)).toEqual(parseIP(net));
    expect(lastOf(c)).toEqual(parseIP(last));
  });

  it.each(["10.0.0.0", "10.0.0.0/33", "10.0.0.0/-1", "10.0.0.0/08", "10.0.0.0/", "/8", "::/129", "10.0.0.0/8/8", "10.0.0.0/ 8", "x/8"])(
    "rejects %j", (s) => expect(parseCIDR(s)).toBeUndefined());

  it("formats and masks", () => {
    expect(formatCIDR(parseCIDR("2001:DB8:0:0::1/64")!)).toBe("2001:db8::1/64");
    expect(maskString(4, 20)).toBe("255.255.240.0");
    expect(maskString(6, 64)).toBe("ffff:ffff:ffff:ffff::");
    expect(prefixMask(4, 0)).toBe(0n);
    expect(hasHostBits(parseCIDR("10.0.0.1/24")!)).toBe(true);
    expect(hasHostBits(parseCIDR("10.0.0.0/24")!)).toBe(false);
    expect(cidrSize(parseCIDR("10.0.0.0/22")!)).toBe(1024n);
  });

  it("round-trips through text", () => {
    fc.assert(fc.property(anyCidr, (c) => {
      const back = parseCIDR(formatCIDR(c))!;
      expect(back.prefix).toBe(c.prefix);
      expect(cidrContains(back, c.ip)).toBe(true);
    }));
  });

  it("contains exactly the addresses between network and last", () => {
    fc.assert(fc.property(anyCidr, fc.oneof(ip4, ip6), (c, ip) => {
      const inside = ip.family === c.ip.family && ip.value >= networkOf(c).value && ip.value <= lastOf(c).value;
      expect(cidrContains(c, ip)).toBe(inside);
      expect(cidrContains(c, networkOf(c))).toBe(true);
      expect(cidrContains(c, lastOf(c))).toBe(true);
      expect(lastOf(c).value - networkOf(c).value + 1n).toBe(cidrSize(c));
    }), { numRuns: 2000 });
  });

  it("a v4 prefix contains the v4-mapped form of its addresses", () => {
    expect(cidrContains(parseCIDR("10.0.0.0/8")!, parseIP("::ffff:10.9.9.9")!)).toBe(true);
    expect(cidrContains(parseCIDR("::/0")!, parseIP("10.9.9.9")!)).toBe(false);
  });

  it("overlap means a shared address", () => {
    fc.assert(fc.property(cidr4, cidr4, (a, b) => {
      const [na, la, nb, lb] = [networkOf(a).value, lastOf(a).value, networkOf(b).value, lastOf(b).value];
      expect(cidrOverlaps(a, b)).toBe(na <= lb && nb <= la);
      expect(cidrOverlaps(a, b)).toBe(cidrOverlaps(b, a));
    }), { numRuns: 2000 });
    expect(cidrOverlaps(parseCIDR("10.0.0.0/8")!, parseCIDR("::/0")!)).toBe(false);
  });

  it("canonical form clears host bits", () => {
    fc.assert(fc.property(anyCidr, (c) => {
      const k = canonicalCIDR(c);
      expect(hasHostBits(k)).toBe(false);
      expect(k.ip).toEqual(networkOf(c));
    }));
  });
});
