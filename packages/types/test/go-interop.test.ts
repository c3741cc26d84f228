// Cross-checks conversions against Go's libcni as compiled into Debian's reference
// `static` IPAM plugin: it prints the same addresses/routes/dns in whatever cniVersion
// the config asks for. It computes a result only (no links, no netns access).
import { spawnSync } from "node:child_process";
import { existsSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { ALL_VERSIONS, convertResult, decodeVersionResult } from "../src/index.js";

const STATIC = "/usr/lib/cni/static";

function goStatic(cniVersion: string, ipam: Record<string, unknown>): Record<string, unknown> {
  const r = spawnSync(STATIC, [], {
    input: JSON.stringify({ cniVersion, name: "interop", type: "static", ipam: { type: "static", ...ipam } }),
    env: { CNI_COMMAND: "ADD", CNI_CONTAINERID: "interop", CNI_NETNS: "/nonexistent", CNI_IFNAME: "eth0", CNI_PATH: "/usr/lib/cni" },
    encoding: "utf8",
  });
  const out = JSON.parse(r.stdout) as Record<string, unknown>;
  if (r.status !== 0) throw new Error(`static ${cniVersion}: ${r.stdout}`);
  // Go prints "dns": {} below 1.0.0; we omit an empty dns (both mean "no DNS").
  if (out.dns && Object.keys(out.dns).length === 0) delete out.dns;
  return out;
}

const onePerFamily = {
  addresses: [{ address: "10.10.0.1/24", gateway: "10.10.0.254" }, { address: "3ffe:ffff:0:1ff::1/64" }],
  routes: [{ dst: "0.0.0.0/0" }, { dst: "192.168.0.0/16", gw: "10.10.5.1" }, { dst: "::/0", gw: "3ffe:ffff:0:1ff::fe" }],
  dns: { nameservers: ["8.8.8.8"], domain: "example.com", search: ["example.com"], options: ["ndots:2"] },
};
const several = {
  addresses: [{ address: "10.10.0.1/24", gateway: "10.10.0.254" }, { address: "10.10.0.2/24" }, { address: "3ffe:ffff:0:1ff::1/64", gateway: "3ffe:ffff::1" }],
  routes: [{ dst: "0.0.0.0/0" }, { dst: "3ffe:ffff:0:1ff::1/64" }],
};
const noDns = { addresses: [{ address: "10.10.0.1/24" }], routes: [{ dst: "0.0.0.0/0", gw: "10.10.0.254" }] };

describe.skipIf(!existsSync(STATIC))("same results as Go libcni (Debian static plugin v1.1.1)", () => {
  const older = ["0.1.0", "0.2.0", "0.3.0", "0.3.1", "0.4.0"];

  for (const [label, ipam, versions] of [
    ["one address per family", onePerFamily, older],
    ["several addresses per family", several, ["0.3.0", "0.3.1", "0.4.0"]],
    ["no dns", noDns, older],
  ] as const) {
    it(`${label}: 1.0.0 down to ${versions.join(", ")} and back up`, () => {
      const go100 = goStatic("1.0.0", ipam);
      for (const v of versions) {
        const goV = goStatic(v, ipam);
        expect(convertResult(go100, v), `1.0.0 -> ${v}`).toEqual(goV);
        expect(convertResult(goV, "1.0.0"), `${v} -> 1.0.0`).toEqual(go100);
      }
    });
  }

  it("VERSION output of a Go plugin decodes, for every version asked", () => {
    for (const v of ALL_VERSIONS.filter((x) => x !== "1.1.0")) {
      const r = spawnSync(STATIC, [], { input: JSON.stringify({ cniVersion: v }), env: { CNI_COMMAND: "VERSION" }, encoding: "utf8" });
      const decoded = decodeVersionResult(JSON.parse(r.stdout));
      // Go answers with its library's current version whatever was asked (the spec says: echo the input's).
      expect(decoded.cniVersion).toBe("1.0.0");
      expect(decoded.supportedVersions).toEqual(["0.1.0", "0.2.0", "0.3.0", "0.3.1", "0.4.0", "1.0.0"]);
    }
  });
});
