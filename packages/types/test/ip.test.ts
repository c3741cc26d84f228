import { describe, expect, it } from "vitest";
import { cidrVersion, ipVersion, isCIDR, isIP } from "../src/index.js";

describe("IP parsing (Go net.ParseIP / ParseCIDR acceptance)", () => {
  it("accepts IPv4 and IPv6 forms", () => {
    for (const ip of ["0.0.0.0", "10.1.0.5", "255.255.255.255"]) expect(ipVersion(ip)).toBe("4");
    for (const ip of ["::", "::1", "fd00::5", "2001:db8:0:0:0:0:0:1", "FE80::A:b", "1:2:3:4:5:6:7::", "::2:3:4:5:6:7:8", "64:ff9b::10.1.0.5", "1:2:3:4:5:6:1.2.3.4"]) {
      expect(ipVersion(ip), ip).toBe("6");
    }
  });

  it("IPv4-mapped IPv6 is version 4, in dotted or hex form", () => {
    expect(ipVersion("::ffff:10.1.0.5")).toBe("4");
    expect(ipVersion("::ffff:a01:5")).toBe("4");
    expect(ipVersion("::fffe:10.1.0.5")).toBe("6");
  });

  it("rejects what Go rejects", () => {
    for (const bad of ["", "10.1.0", "10.1.0.256", "10.01.0.5", "1.2.3.4.5", " 10.1.0.5", "fe80::1%eth0", "1::2::3", ":::", "1:2:3:4:5:6:7:8:9", "1:2:3:4:5:6:7:8::", "12345::", "::g", "::1.2.3", "1.2.3.4::"]) {
      expect(isIP(bad), bad).toBe(false);
    }
  });

  it("CIDR needs a prefix within the address length", () => {
    expect(cidrVersion("10.1.0.5/16")).toBe("4");
    expect(cidrVersion("0.0.0.0/0")).toBe("4");
    expect(cidrVersion("fd00::5/128")).toBe("6");
    expect(cidrVersion("::ffff:10.1.0.5/120")).toBe("4");
    for (const bad of ["10.1.0.5", "10.1.0.5/33", "fd00::/129", "10.1.0.5/", "10.1.0.5/a", "10.1.0.5/-1", "/24", "10.1.0.5/16/1"]) {
      expect(isCIDR(bad), bad).toBe(false);
    }
  });
});
