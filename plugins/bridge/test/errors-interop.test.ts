import { existsSync, readdirSync } from "node:fs";
import { join } from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { canConnect, createSandbox, runExecutable, type Sandbox } from "@tscni/testing";
import { call, conf, GO_ONLY_PATH, hasLink, iptNat, OUR_BIN, ports } from "./helpers.js";

let sb: Sandbox;
beforeEach(async () => (sb = await createSandbox({ prefix: "tbr-", containers: 2 })));
afterEach(async () => sb?.cleanup());

const reservations = () => {
  const d = join(sb.tmpDir, "ipam", "tbrnet");
  return existsSync(d) ? readdirSync(d).filter((f) => /^\d/.test(f) && !f.startsWith("last")) : [];
};

/** Nothing of the attachment left: no port, no container link, no reservation. */
async function nothingLeft(): Promise<void> {
  expect(await ports(sb)).toEqual([]);
  expect(await hasLink(sb, sb.container, "eth0")).toBe(false);
  expect(reservations()).toEqual([]);
}

describe("a failed ADD undoes everything", () => {
  it("IPAM plugin missing", async () => {
    const c = conf(sb);
    (c.ipam as any).type = "no-such-ipam";
    const r = await call(sb, "ADD", c);
    expect(r.exitCode).toBe(1);
    await nothingLeft();
  });

  it.each([["unset", undefined], ["empty", ""]])("CNI_PATH %s with an IPAM type: code 4 naming CNI_PATH, no veth, no reservation", async (_how, cniPath) => {
    const env = { CNI_COMMAND: "ADD", CNI_CONTAINERID: "ctr1", CNI_IFNAME: "eth0", CNI_NETNS: sb.container.path, CNI_PATH: cniPath };
    const r = await runExecutable(OUR_BIN, { env, stdin: conf(sb), netns: sb.host.name });
    expect(r.exitCode).toBe(1);
    expect(r.json).toMatchObject({ code: 4, msg: 'CNI_PATH is required to find delegate plugin "host-local" and is missing or empty' });
    await nothingLeft();
    expect((await sb.run(sb.host, ["ip", "-o", "link", "show", "type", "veth"])).stdout).toBe(""); // no veth, on the bridge or off it
    expect(existsSync(join(sb.tmpDir, "ipam"))).toBe(false); // IPAM never ran
  });

  it("container interface name taken: IPAM reservation released", async () => {
    await sb.run(sb.container, ["ip", "link", "add", "eth0", "type", "veth", "peer", "name", "eth0p"]);
    const r = await call(sb, "ADD", conf(sb));
    expect(r.exitCode).toBe(1);
    expect((r.json as any).msg).toContain("eth0");
    expect(await ports(sb)).toEqual([]);
    expect(reservations()).toEqual([]);
  });

  it("IPAM exhausted: nothing left, the earlier attachment intact", async () => {
    const c = conf(sb, {}, "10.88.0.0/30"); // one usable address (.2); .1 is the gateway
    expect((await call(sb, "ADD", c, { containerId: "first", netns: sb.containers[1]!.path })).exitCode).toBe(0);
    const r = await call(sb, "ADD", c);
    expect(r.exitCode).toBe(1);
    expect(await ports(sb)).toHaveLength(1);
    expect(await hasLink(sb, sb.container, "eth0")).toBe(false);
    expect(reservations()).toEqual(["10.88.0.2"]);
  });
});

// Debian's Go plugins v1.1.1 speak up to CNI 1.0.0.
describe("interop with the Go reference plugins", () => {
  it("Go host-local as the IPAM plugin", async () => {
    const c = conf(sb, { isDefaultGateway: true, cniVersion: "1.0.0" });
    const r = await call(sb, "ADD", c, { path: GO_ONLY_PATH });
    expect(r.exitCode, r.stdout).toBe(0);
    expect((r.json as any).ips[0].address).toBe("10.88.0.2/24");
    expect(reservations()).toEqual(["10.88.0.2"]);
    const r2 = await call(sb, "ADD", c, { path: GO_ONLY_PATH, containerId: "c2", netns: sb.containers[1]!.path });
    expect(r2.exitCode).toBe(0);
    expect(await canConnect(sb.container, sb.containers[1]!, "10.88.0.3")).toBe(true);
    expect((await call(sb, "DEL", c, { path: GO_ONLY_PATH })).exitCode).toBe(0);
    expect(reservations()).toEqual(["10.88.0.3"]);
  });

  it("chained: Go portmap and firewall after our bridge take its prevResult", async () => {
    const c = conf(sb, { isDefaultGateway: true, cniVersion: "1.0.0" });
    const r = await call(sb, "ADD", c);
    expect(r.exitCode, r.stdout).toBe(0);
    const prevResult = r.json as object;
    const env = { CNI_COMMAND: "ADD", CNI_CONTAINERID: "ctr1", CNI_NETNS: sb.container.path, CNI_IFNAME: "eth0", CNI_PATH: GO_ONLY_PATH };
    const pm = {
      cniVersion: "1.0.0", name: "tbrnet", type: "portmap", capabilities: { portMappings: true }, backend: "iptables",
      runtimeConfig: { portMappings: [{ hostPort: 18080, containerPort: 80, protocol: "tcp" }] }, prevResult,
    };
    const p = await runExecutable("/usr/lib/cni/portmap", { env, stdin: pm, netns: sb.host.name });
    expect(p.exitCode, p.stdout + p.stderr).toBe(0);
    expect(p.json).toMatchObject(prevResult); // Go adds an empty "dns"
    expect(await iptNat(sb)).toContain("--dport 18080");
    const fw = { cniVersion: "1.0.0", name: "tbrnet", type: "firewall", backend: "iptables", prevResult };
    const f = await runExecutable("/usr/lib/cni/firewall", { env, stdin: fw, netns: sb.host.name });
    expect(f.exitCode, f.stdout + f.stderr).toBe(0);
    expect((await sb.run(sb.host, ["iptables-save", "-t", "filter"])).stdout).toContain("10.88.0.2");
    for (const [bin, cfg] of [["/usr/lib/cni/firewall", fw], ["/usr/lib/cni/portmap", pm]] as const) {
      const d = await runExecutable(bin, { env: { ...env, CNI_COMMAND: "DEL" }, stdin: cfg, netns: sb.host.name });
      expect(d.exitCode, d.stdout).toBe(0);
    }
    expect((await call(sb, "DEL", c)).exitCode).toBe(0);
    await nothingLeft();
  });

  it("DEL cleans per-container masquerade rules the Go bridge left (switching implementations)", async () => {
    const c = conf(sb, { ipMasq: true, ipMasqBackend: "iptables", cniVersion: "1.0.0" });
    const go = await runExecutable("/usr/lib/cni/bridge", {
      env: { CNI_COMMAND: "ADD", CNI_CONTAINERID: "ctr1", CNI_NETNS: sb.container.path, CNI_IFNAME: "eth0", CNI_PATH: GO_ONLY_PATH },
      stdin: c, netns: sb.host.name,
    });
    expect(go.exitCode, go.stdout).toBe(0);
    expect(await iptNat(sb)).toContain('id: \\"ctr1\\"');
    const d = await call(sb, "DEL", c);
    expect(d.exitCode, d.stdout).toBe(0);
    expect(await iptNat(sb)).not.toContain("ctr1");
    await nothingLeft();
  });
});
