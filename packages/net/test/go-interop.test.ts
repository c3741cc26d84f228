// Rules made by Debian's Go bridge (v1.1.1, iptables masquerade) are found and removed by
// our list/GC/delete, and ours are what Go's DEL removes: the two can replace each other.
import { afterEach, describe, expect, it } from "vitest";
import { execFileSync } from "node:child_process";
import { existsSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { openNetns, runIn, listContainerMasq, deleteContainerMasq, ensureContainerMasq, goChainName } from "../src/index.js";
import { cleanupAll, leftoverNetns, newNetns, onCleanup } from "./sandbox.js";

afterEach(() => {
  cleanupAll();
  expect(leftoverNetns()).toEqual([]);
});

const GO = "/usr/lib/cni";

function goBridge(cmd: "ADD" | "DEL", hostNs: string, contPath: string, id: string, dataDir: string): string {
  const conf = {
    cniVersion: "0.4.0", name: "tn-gonet", type: "bridge", bridge: "tngobr0", isGateway: true, ipMasq: true,
    ipam: { type: "host-local", subnet: "10.123.0.0/24", dataDir },
  };
  try {
    return execFileSync("ip", ["netns", "exec", hostNs, `${GO}/bridge`], {
      input: JSON.stringify(conf), encoding: "utf8",
      env: { CNI_COMMAND: cmd, CNI_CONTAINERID: id, CNI_NETNS: contPath, CNI_IFNAME: "eth0", CNI_PATH: GO, PATH: process.env["PATH"] },
    });
  } catch (e) {
    throw new Error(`Go bridge ${cmd} ${id} failed: ${(e as { stdout?: string }).stdout ?? ""}`);
  }
}

describe.skipIf(!existsSync(`${GO}/bridge`))("Go bridge interop (iptables masquerade)", () => {
  it("lists and deletes rules the Go bridge made; Go's DEL removes ours", async () => {
    const h = newNetns();
    const c = newNetns();
    const dataDir = mkdtempSync(join(tmpdir(), "tn-hostlocal-"));
    onCleanup(() => rmSync(dataDir, { recursive: true, force: true }));
    const host = await openNetns(h.path);
    const res = JSON.parse(goBridge("ADD", h.name, c.path, "goctr1", dataDir)) as { ips: Array<{ address: string }> };
    expect(res.ips[0]?.address).toMatch(/^10\.123\.0\./);
    expect(await listContainerMasq(host, "tn-gonet", "iptables")).toEqual([{ containerId: "goctr1" }]);
    await deleteContainerMasq(host, { network: "tn-gonet", containerId: "goctr1", ifname: "eth0" }, "iptables");
    expect((await runIn(host, ["iptables-save", "-t", "nat"])).stdout).not.toContain(goChainName("tn-gonet", "goctr1"));
    // (Go v1.1.1's own DEL would now fail: with iptables-nft it does not recognise
    // "chain does not exist" as already-deleted. Our delete is the idempotent one.)

    // ours, removed by Go's DEL (which reads the IPs off the container's eth0)
    await ensureContainerMasq(host, { network: "tn-gonet", containerId: "ourctr", ifname: "eth0", ips: [res.ips[0]!.address] }, "iptables");
    expect((await runIn(host, ["iptables-save", "-t", "nat"])).stdout).toContain(goChainName("tn-gonet", "ourctr"));
    goBridge("DEL", h.name, c.path, "ourctr", dataDir);
    expect((await runIn(host, ["iptables-save", "-t", "nat"])).stdout).not.toContain(goChainName("tn-gonet", "ourctr"));
  });
});
