// Result conversion to every spec version, and prevResult given in older versions.
import { describe, expect, it } from "vitest";
import { allModes, cniEnv, conf, stdoutJson } from "./modes.js";

const modes = await allModes();
const IF = { name: "eth0", mac: "02:00:00:00:00:01", sandbox: "/var/run/netns/tb-does-not-exist" };

const EXPECTED: Record<string, unknown> = {
  "1.1.0": {
    cniVersion: "1.1.0",
    interfaces: [IF],
    ips: [{ interface: 0, address: "10.1.2.3/24", gateway: "10.1.2.1" }],
    routes: [{ dst: "0.0.0.0/0", gw: "10.1.2.1" }],
  },
  "1.0.0": {
    cniVersion: "1.0.0",
    interfaces: [IF],
    ips: [{ interface: 0, address: "10.1.2.3/24", gateway: "10.1.2.1" }],
    routes: [{ dst: "0.0.0.0/0", gw: "10.1.2.1" }],
  },
  "0.4.0": {
    cniVersion: "0.4.0",
    interfaces: [IF],
    ips: [{ version: "4", interface: 0, address: "10.1.2.3/24", gateway: "10.1.2.1" }],
    routes: [{ dst: "0.0.0.0/0", gw: "10.1.2.1" }],
  },
  "0.3.1": {
    cniVersion: "0.3.1",
    interfaces: [IF],
    ips: [{ version: "4", interface: 0, address: "10.1.2.3/24", gateway: "10.1.2.1" }],
    routes: [{ dst: "0.0.0.0/0", gw: "10.1.2.1" }],
  },
  "0.2.0": {
    cniVersion: "0.2.0",
    ip4: { ip: "10.1.2.3/24", gateway: "10.1.2.1", routes: [{ dst: "0.0.0.0/0", gw: "10.1.2.1" }] },
  },
};

describe.each(modes)("versions ($name)", (mode) => {
  for (const [version, expected] of Object.entries(EXPECTED)) {
    it(`ADD result converted to ${version}`, async () => {
      const r = await mode.run({ env: cniEnv("ADD"), stdin: conf(version) });
      expect(r.exitCode, r.stdout).toBe(0);
      expect(stdoutJson(r)).toEqual(expected);
    });
  }

  it("prevResult in 0.3.1 form is converted for the handler and the output stays 0.3.1", async () => {
    const prevResult = {
      cniVersion: "0.3.1",
      interfaces: [{ name: "cni0", mac: "02:00:00:00:00:aa" }],
      ips: [{ version: "4", interface: 0, address: "10.9.0.2/24", gateway: "10.9.0.1" }],
      dns: { nameservers: ["10.9.0.53"] },
    };
    const r = await mode.run({ env: cniEnv("ADD"), stdin: conf("0.3.1", { prevResult }) });
    expect(r.exitCode, r.stdout).toBe(0);
    expect(stdoutJson(r)).toEqual({
      cniVersion: "0.3.1",
      interfaces: [{ name: "cni0", mac: "02:00:00:00:00:aa" }, IF],
      ips: [
        { version: "4", interface: 0, address: "10.9.0.2/24", gateway: "10.9.0.1" },
        { version: "4", interface: 1, address: "10.1.2.3/24", gateway: "10.1.2.1" },
      ],
      routes: [{ dst: "0.0.0.0/0", gw: "10.1.2.1" }],
      dns: { nameservers: ["10.9.0.53"] },
    });
  });

  it("prevResult without its own cniVersion is read in the config's version", async () => {
    const prevResult = { ips: [{ version: "4", address: "10.9.0.2/24" }] };
    const r = await mode.run({ env: cniEnv("ADD"), stdin: conf("0.4.0", { prevResult }) });
    expect(r.exitCode, r.stdout).toBe(0);
    expect((stdoutJson(r) as { ips: unknown[] }).ips[0]).toEqual({ version: "4", address: "10.9.0.2/24" });
  });

  it("an invalid prevResult is rejected with a config error naming it", async () => {
    const prevResult = { cniVersion: "1.0.0", ips: [{ address: "not-an-ip" }] };
    const r = await mode.run({ env: cniEnv("ADD"), stdin: conf("1.0.0", { prevResult }) });
    expect(r.exitCode).toBe(1);
    const body = stdoutJson(r) as { code: number; msg: string };
    expect(body.code).toBe(7);
    expect(body.msg).toContain("ips[0].address");
  });
});
