import { afterEach, describe, expect, it } from "vitest";
import { createHash } from "node:crypto";
import {
  openNetns, runIn, detectMasqBackend, ensureContainerMasq, deleteContainerMasq, listContainerMasq, gcContainerMasq,
  ensureNetworkMasq, deleteNetworkMasq, listNetworkMasq, netTableName, netChainName, type MasqBackendName, type Netns,
} from "../src/index.js";
import { CniError } from "@tscni/types";
import { cleanupAll, leftoverNetns, newNetns } from "./sandbox.js";

afterEach(() => {
  cleanupAll();
  expect(leftoverNetns()).toEqual([]);
});

const host = async (): Promise<Netns> => openNetns(newNetns().path);
const sh = async (ns: Netns, argv: string[]) => (await runIn(ns, argv)).stdout;
/** Go's FormatChainName, written out independently of the code under test. */
const goChain = (net: string, id: string) => ("CNI-" + createHash("sha512").update(net + id).digest("hex")).slice(0, 28);

interface NftRuleJson { rule?: { chain: string; table: string; handle: number; comment?: string; expr: unknown[] } }
async function nftRules(ns: Netns, table: string, chain: string) {
  const out = JSON.parse(await sh(ns, ["nft", "-j", "list", "chain", "inet", table, chain])) as { nftables: NftRuleJson[] };
  return out.nftables.flatMap((x) => (x.rule ? [x.rule] : []));
}
const natRules = async (ns: Netns, v: 4 | 6) =>
  (await sh(ns, [v === 4 ? "iptables-save" : "ip6tables-save", "-t", "nat"])).split("\n").filter((l) => l.startsWith("-A "));

describe("backend detection", () => {
  it("prefers nftables when nft works, honours an override, rejects unknown names", async () => {
    const ns = await host();
    expect(await detectMasqBackend(ns)).toBe("nftables");
    expect(await detectMasqBackend(ns, "iptables")).toBe("iptables");
    await expect(detectMasqBackend(ns, "pf")).rejects.toBeInstanceOf(CniError);
  });
});

describe("per-container masquerade, nftables (Go-compatible)", () => {
  const B: MasqBackendName = "nftables";
  it("ensures idempotently, lists, GCs and deletes only its own rules", async () => {
    const ns = await host();
    const c1 = { network: "net1", containerId: "c1", ifname: "eth0", ips: ["10.88.0.5/16", "fd88::5/64"] };
    const c2 = { network: "net1", containerId: "c2", ifname: "eth0", ips: ["10.88.0.6/16"] };
    const other = { network: "net2", containerId: "c1", ifname: "eth0", ips: ["10.77.0.5/24"] };
    await ensureContainerMasq(ns, c1, B);
    await ensureContainerMasq(ns, c1, B); // again: no duplicates
    await ensureContainerMasq(ns, c2, B);
    await ensureContainerMasq(ns, other, B);
    // a rule somebody else put in the shared chain
    await sh(ns, ["nft", "add", "rule", "inet", "cni_plugins_masquerade", "masq_checks", "ip", "saddr", "1.2.3.4", "masquerade", "comment", "\"not ours\""]);
    const rules = await nftRules(ns, "cni_plugins_masquerade", "masq_checks");
    const c1Rules = rules.filter((r) => r.comment?.endsWith("net: net1, if: eth0, id: c1"));
    expect(c1Rules.length).toBe(2);
    const text = await sh(ns, ["nft", "list", "chain", "inet", "cni_plugins_masquerade", "masq_checks"]);
    expect(text).toContain("ip saddr 10.88.0.5 ip daddr != 10.88.0.0/16 masquerade");
    expect(text).toContain("ip6 saddr fd88::5 ip6 daddr != fd88::/64 masquerade");
    const post = await sh(ns, ["nft", "list", "chain", "inet", "cni_plugins_masquerade", "postrouting"]);
    expect(post).toContain("goto masq_checks");
    expect(post).toContain("ip daddr 224.0.0.0/4 return");
    expect((await listContainerMasq(ns, "net1", B)).sort((a, b) => a.containerId.localeCompare(b.containerId))).toEqual([
      { containerId: "c1", ifname: "eth0" }, { containerId: "c2", ifname: "eth0" },
    ]);
    expect(await gcContainerMasq(ns, "net1", [{ containerID: "c1", ifname: "eth0" }], B)).toEqual([{ containerId: "c2", ifname: "eth0" }]);
    expect((await listContainerMasq(ns, "net1", B)).map((a) => a.containerId)).toEqual(["c1"]);
    expect((await listContainerMasq(ns, "net2", B)).map((a) => a.containerId)).toEqual(["c1"]); // other network untouched
    await deleteContainerMasq(ns, c1, B);
    await deleteContainerMasq(ns, c1, B); // idempotent
    expect(await listContainerMasq(ns, "net1", B)).toEqual([]);
    const left = await nftRules(ns, "cni_plugins_masquerade", "masq_checks");
    expect(left.map((r) => r.comment).sort()).toEqual(["not ours", left.find((r) => r.comment?.includes("net2"))!.comment].sort());
  });

  it("re-ADD with new IPs replaces the attachment's old rules", async () => {
    const ns = await host();
    await ensureContainerMasq(ns, { network: "n", containerId: "c", ifname: "eth0", ips: ["10.1.0.2/24"] }, B);
    await ensureContainerMasq(ns, { network: "n", containerId: "c", ifname: "eth0", ips: ["10.1.0.3/24"] }, B);
    const text = await sh(ns, ["nft", "list", "chain", "inet", "cni_plugins_masquerade", "masq_checks"]);
    expect(text).toContain("10.1.0.3");
    expect(text).not.toContain("10.1.0.2");
  });
});

describe("per-container masquerade, iptables (Go-compatible)", () => {
  const B: MasqBackendName = "iptables";
  it("makes CNI-<hash> chains with Go's comment, idempotently; lists, GCs, deletes", async () => {
    const ns = await host();
    const c1 = { network: "net1", containerId: "c1", ifname: "eth0", ips: ["10.88.0.5/16", "fd88::5/64"] };
    const c2 = { network: "net1", containerId: "c2", ifname: "eth0", ips: ["10.88.0.6/16"] };
    await ensureContainerMasq(ns, c1, B);
    await ensureContainerMasq(ns, c1, B);
    await ensureContainerMasq(ns, c2, B);
    await sh(ns, ["iptables", "-t", "nat", "-A", "POSTROUTING", "-s", "1.2.3.4/32", "-m", "comment", "--comment", "not ours", "-j", "MASQUERADE"]);
    const ch = goChain("net1", "c1");
    const v4 = await natRules(ns, 4);
    const cmt = '-m comment --comment "name: \\"net1\\" id: \\"c1\\""';
    expect(v4.filter((l) => l.startsWith("-A POSTROUTING") && l.endsWith(`-j ${ch}`))).toEqual([`-A POSTROUTING -s 10.88.0.5/32 ${cmt} -j ${ch}`]);
    expect(v4.filter((l) => l.startsWith(`-A ${ch} `))).toEqual([
      `-A ${ch} -d 10.88.0.0/16 ${cmt} -j ACCEPT`,
      `-A ${ch} ! -d 224.0.0.0/4 ${cmt} -j MASQUERADE`,
    ]);
    const v6 = await natRules(ns, 6);
    expect(v6).toContain(`-A POSTROUTING -s fd88::5/128 ${cmt} -j ${ch}`);
    expect(v6).toContain(`-A ${ch} ! -d ff00::/8 ${cmt} -j MASQUERADE`);
    expect((await listContainerMasq(ns, "net1", B)).map((a) => a.containerId).sort()).toEqual(["c1", "c2"]);
    expect(await gcContainerMasq(ns, "net1", [{ containerID: "c1", ifname: "eth0" }], B)).toEqual([{ containerId: "c2" }]);
    expect((await natRules(ns, 4)).some((l) => l.includes(goChain("net1", "c2")))).toBe(false);
    await deleteContainerMasq(ns, c1, B);
    await deleteContainerMasq(ns, c1, B);
    expect(await listContainerMasq(ns, "net1", B)).toEqual([]);
    const save4 = await sh(ns, ["iptables-save", "-t", "nat"]);
    expect(save4).not.toContain("CNI-");
    expect(save4).toContain('--comment "not ours"');
    expect(await sh(ns, ["ip6tables-save", "-t", "nat"])).not.toContain("CNI-");
  });
});

describe.each(["nftables", "iptables"] as const)("per-network masquerade, %s", (B) => {
  it("ensures, converges on subnet changes, lists and deletes", async () => {
    const ns = await host();
    await ensureNetworkMasq(ns, { network: "netA", subnets: ["10.50.0.0/16", "fd50::/64"] }, B);
    await ensureNetworkMasq(ns, { network: "netA", subnets: ["10.50.0.0/16", "fd50::/64"] }, B);
    await ensureNetworkMasq(ns, { network: "netB", subnets: ["10.60.0.1/24"] }, B);
    const dump = async () => B === "nftables"
      ? await sh(ns, ["nft", "list", "ruleset"])
      : (await natRules(ns, 4)).join("\n") + "\n" + (await natRules(ns, 6)).join("\n");
    let d = await dump();
    if (B === "nftables") {
      expect(d).toContain(`table inet ${netTableName("netA")}`);
      expect(d).toContain("ip saddr 10.50.0.0/16 ip daddr != 10.50.0.0/16 masquerade");
      expect(d).toContain("ip6 saddr fd50::/64 ip6 daddr != fd50::/64 masquerade");
      expect(d).toContain("ip saddr 10.60.0.0/24 ip daddr != 10.60.0.0/24 masquerade");
      expect(d.match(/ip saddr 10\.50\.0\.0\/16/g)?.length).toBe(1);
    } else {
      const ch = netChainName("netA");
      expect(d.match(new RegExp(`-A POSTROUTING -s 10.50.0.0/16 .*-j ${ch}`, "g"))?.length).toBe(1);
      expect(d).toContain(`-A POSTROUTING -s fd50::/64 -m comment --comment "tscni net: netA" -j ${ch}`);
      expect(d).toContain(`-A ${ch} -d 10.50.0.0/16 -m comment --comment "tscni net: netA" -j RETURN`);
      expect(d).toContain(`-A ${ch} -m comment --comment "tscni net: netA" -j MASQUERADE`);
    }
    expect((await listNetworkMasq(ns, B)).sort()).toEqual(["netA", "netB"]);
    // config change: v6 dropped, v4 subnet replaced
    await ensureNetworkMasq(ns, { network: "netA", subnets: ["10.51.0.0/16"] }, B);
    d = await dump();
    expect(d).toContain("10.51.0.0/16");
    expect(d).not.toContain("10.50.0.0/16");
    expect(d).not.toContain("fd50::");
    await deleteNetworkMasq(ns, "netA", B);
    await deleteNetworkMasq(ns, "netA", B);
    expect(await listNetworkMasq(ns, B)).toEqual(["netB"]);
    d = await dump();
    expect(d).not.toContain("10.51.0.0/16");
    expect(d).toContain("10.60.0.0/24");
  });
});

describe("masquerade input checks", () => {
  it("refuses names that would need quoting and bad CIDRs (code 7)", async () => {
    const ns = await host();
    for (const B of ["nftables", "iptables"] as const) {
      await expect(ensureNetworkMasq(ns, { network: 'a"b', subnets: ["10.0.0.0/8"] }, B)).rejects.toMatchObject({ code: 7 });
      await expect(ensureNetworkMasq(ns, { network: "ok", subnets: ["10.0.0.0/33"] }, B)).rejects.toMatchObject({ code: 7 });
      await expect(ensureContainerMasq(ns, { network: "ok", containerId: "x\ny", ifname: "eth0", ips: ["10.0.0.2/8"] }, B)).rejects.toMatchObject({ code: 7 });
    }
  });
});
