import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { createSandbox, type Sandbox } from "@tscni/testing";
import { call, conf, iptNat, makeOutside, nftRuleset, peerAddress } from "./helpers.js";

let sb: Sandbox;
beforeEach(async () => (sb = await createSandbox({ prefix: "tbr-" })));
afterEach(async () => sb?.cleanup());

describe.each(["nftables", "iptables"] as const)("ipMasq (%s)", (backend) => {
  const cfg = () => conf(sb, { isDefaultGateway: true, ipMasq: true, ipMasqBackend: backend });

  it("traffic to the outside leaves with the host's address, after INIT and lazily without it", async () => {
    const outside = await makeOutside(sb);
    for (const withInit of [true, false]) {
      const c = withInit ? cfg() : { ...cfg(), name: "tbrlazy", bridge: "tbr1", ipam: { ...(cfg().ipam as object), ranges: [[{ subnet: "10.89.0.0/24" }]] } };
      if (withInit) expect((await call(sb, "INIT", c)).exitCode).toBe(0);
      const ns = await sb.addNetns("m");
      const r = await call(sb, "ADD", c, { netns: ns.path, containerId: `m${withInit}` });
      expect(r.exitCode, r.stdout).toBe(0);
      expect(await peerAddress(ns, outside, "192.168.250.2")).toBe("192.168.250.1");
      // Inside the subnet nothing is rewritten: the gateway sees the container's own address.
      expect(await peerAddress(ns, sb.host, withInit ? "10.88.0.1" : "10.89.0.1")).toBe(withInit ? "10.88.0.2" : "10.89.0.2");
    }
    const rules = backend === "nftables" ? await nftRuleset(sb) : await iptNat(sb);
    expect(rules).toContain("10.88.0.0/24");
    expect(rules).toContain("10.89.0.0/24");
  });

  it("without masquerade the outside cannot answer (the test can fail)", async () => {
    const outside = await makeOutside(sb);
    const r = await call(sb, "ADD", conf(sb, { isDefaultGateway: true }));
    expect(r.exitCode).toBe(0);
    expect(await peerAddress(sb.container, outside, "192.168.250.2")).toBeUndefined();
  });

  it("DEL needs no firewall change; DEINIT removes the network's rules", async () => {
    const c = cfg();
    expect((await call(sb, "INIT", c)).exitCode).toBe(0);
    const before = backend === "nftables" ? await nftRuleset(sb) : await iptNat(sb);
    expect(before).toContain("10.88.0.0/24");
    expect((await call(sb, "ADD", c)).exitCode).toBe(0);
    expect(backend === "nftables" ? await nftRuleset(sb) : await iptNat(sb)).toBe(before);
    expect((await call(sb, "DEL", c)).exitCode).toBe(0);
    expect(backend === "nftables" ? await nftRuleset(sb) : await iptNat(sb)).toBe(before);
    expect((await call(sb, "DEINIT", c)).exitCode).toBe(0);
    expect(backend === "nftables" ? await nftRuleset(sb) : await iptNat(sb)).not.toContain("10.88.0.0/24");
  });
});
