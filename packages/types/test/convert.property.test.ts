import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { convertResult, toCurrentResult } from "../src/index.js";

const opt = <T>(a: fc.Arbitrary<T>) => fc.option(a, { nil: undefined });
const word = fc.stringMatching(/^[a-z0-9][a-z0-9._-]{0,14}$/);
const u16 = fc.integer({ min: 0, max: 65535 });
const cidr4 = fc.tuple(fc.ipV4(), fc.integer({ min: 0, max: 32 })).map(([ip, p]) => `${ip}/${p}`);
const cidr6 = fc.tuple(fc.ipV6(), fc.integer({ min: 0, max: 128 })).map(([ip, p]) => `${ip}/${p}`);
const cidr = fc.oneof(cidr4, cidr6);
const ip = fc.oneof(fc.ipV4(), fc.ipV6());

/** Drop undefined keys, so generated objects look like parsed JSON. */
function clean<T extends object>(o: T): T {
  return Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined)) as T;
}

const iface = fc.record({ name: word, mac: opt(word), mtu: opt(u16), sandbox: opt(word), socketPath: opt(word), pciID: opt(word) }).map(clean);
const ipc = fc.record({ interface: opt(fc.nat(8)), address: cidr, gateway: opt(ip) }).map(clean);
const route = fc.record({ dst: cidr, gw: opt(ip), mtu: opt(u16), advmss: opt(u16), priority: opt(u16), table: opt(u16), scope: opt(fc.constantFrom(0, 253, 254)) }).map(clean);
const dns = fc.record({ nameservers: opt(fc.array(fc.ipV4(), { maxLength: 3 })), domain: opt(word), search: opt(fc.array(word, { maxLength: 3 })), options: opt(fc.array(word, { maxLength: 2 })) }).map(clean);
const result110 = fc
  .record({ interfaces: opt(fc.array(iface, { maxLength: 4 })), ips: opt(fc.array(ipc, { maxLength: 5 })), routes: opt(fc.array(route, { maxLength: 5 })), dns: opt(dns) })
  .map((r) => ({ cniVersion: "1.1.0", ...clean(r) }));

type R = { interfaces?: Array<Record<string, unknown>>; ips?: Array<Record<string, unknown>>; routes?: Array<Record<string, unknown>>; dns?: Record<string, unknown> };

/** What a 0.4.0 result can hold, written independently of the converter. */
function projectTo040Content(r: R): Record<string, unknown> {
  const pick = (o: Record<string, unknown>, keys: string[]) => clean(Object.fromEntries(keys.map((k) => [k, o[k]])));
  const out: Record<string, unknown> = { cniVersion: "1.1.0" };
  if (r.interfaces?.length) out.interfaces = r.interfaces.map((i) => pick(i, ["name", "mac", "sandbox"]));
  if (r.ips?.length) out.ips = r.ips.map((i) => pick(i, ["interface", "address", "gateway"]));
  if (r.routes?.length) out.routes = r.routes.map((i) => pick(i, ["dst", "gw"]));
  if (r.dns) {
    const d = Object.fromEntries(Object.entries(r.dns).filter(([, v]) => (Array.isArray(v) ? v.length > 0 : v !== "" && v !== undefined)));
    if (Object.keys(d).length) out.dns = d;
  }
  return out;
}

describe("conversion properties", () => {
  it("1.1.0 -> 0.4.0 -> 1.1.0 keeps everything 0.4.0 can hold", () => {
    fc.assert(
      fc.property(result110, (r) => {
        const down = convertResult(r, "0.4.0");
        expect(toCurrentResult(down)).toEqual(projectTo040Content(r));
      }),
      { numRuns: 300 },
    );
  });

  it("1.1.0 -> 1.1.0 is the identity on non-empty content, 1.1.0 -> 1.0.0 -> 1.1.0 equals the 0.4.0 projection", () => {
    fc.assert(
      fc.property(result110, (r) => {
        expect(convertResult(convertResult(r, "1.0.0"), "1.1.0")).toEqual(projectTo040Content(r));
        const same = convertResult(r, "1.1.0") as R;
        expect(same.ips ?? []).toEqual(r.ips ?? []);
        expect(same.routes ?? []).toEqual(r.routes ?? []);
        expect(same.interfaces ?? []).toEqual(r.interfaces ?? []);
      }),
      { numRuns: 200 },
    );
  });

  it("0.4.0 ips carry the version of their address", () => {
    fc.assert(
      fc.property(result110, (r) => {
        const down = convertResult(r, "0.4.0") as { ips?: Array<{ version: string; address: string }> };
        for (const i of down.ips ?? []) {
          const v4 = /^\d+\.\d+\.\d+\.\d+\//.test(i.address) || /^::ffff:(\d+\.){3}\d+\//i.test(i.address) || /^(0{1,4}:){5}ffff:/i.test(i.address);
          if (!i.address.includes(":") || v4) expect(i.version).toBe("4");
          else expect(["4", "6"]).toContain(i.version);
        }
      }),
      { numRuns: 200 },
    );
  });

  it("-> 0.2.0 either refuses (no address) or keeps the first address of each family and stays stable", () => {
    fc.assert(
      fc.property(result110, (r) => {
        const hasIp = (r.ips?.length ?? 0) > 0;
        if (!hasIp) {
          expect(() => convertResult(r, "0.2.0")).toThrow(/no IP address/);
          return;
        }
        const down = convertResult(r, "0.2.0") as { ip4?: { ip: string }; ip6?: { ip: string } };
        const first4 = (convertResult(r, "0.4.0") as { ips: Array<{ version: string; address: string }> }).ips.find((i) => i.version === "4");
        expect(down.ip4?.ip).toBe(first4?.address);
        expect(convertResult(convertResult(down, "1.1.0"), "0.2.0")).toEqual(down);
      }),
      { numRuns: 200 },
    );
  });
});
