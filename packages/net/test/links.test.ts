import { afterEach, describe, expect, it } from "vitest";
import {
  openNetns, getLink, listLinks, setLink, deleteLink, ensureBridge, setBridgePort, createVeth, setPortVlans,
  listPortVlans, ExecError, execStats, resetExecStats, type Netns,
} from "../src/index.js";
import { CniError } from "@tscni/types";
import { cleanupAll, kernelHasVlanFiltering, leftoverNetns, newNetns, sh } from "./sandbox.js";

const VLAN = kernelHasVlanFiltering();

afterEach(() => {
  cleanupAll();
  expect(leftoverNetns()).toEqual([]);
});

async function twoNs(): Promise<[Netns, Netns]> {
  return [await openNetns(newNetns().path), await openNetns(newNetns().path)];
}

async function rejection(p: Promise<unknown>): Promise<unknown> {
  return p.then(() => { throw new Error("expected a rejection"); }, (e: unknown) => e);
}

describe("bridge", () => {
  it("creates a bridge with mtu, mac, vlan filtering and promisc, and reads it back", async () => {
    const [host] = await twoNs();
    const br = await ensureBridge(host, { name: "tnbr0", mtu: 1400, mac: "02:11:22:33:44:55", vlanFiltering: VLAN, promisc: true });
    expect(br.linkinfo?.info_kind).toBe("bridge");
    expect(br.mtu).toBe(1400);
    expect(br.address).toBe("02:11:22:33:44:55");
    expect(br.flags).toContain("UP");
    expect(br.flags).toContain("PROMISC");
    const raw = JSON.parse(sh(["ip", "-n", host.name!, "-json", "-d", "link", "show", "tnbr0"]))[0];
    expect(raw.linkinfo.info_data.vlan_filtering).toBe(VLAN ? 1 : 0);
  });

  it("is idempotent and converges an existing bridge", async () => {
    const [host] = await twoNs();
    await ensureBridge(host, { name: "tnbr1" });
    resetExecStats();
    const again = await ensureBridge(host, { name: "tnbr1" });
    expect(execStats().execs).toBe(1); // a read, nothing to change
    expect(again.flags).toContain("UP");
    const changed = await ensureBridge(host, { name: "tnbr1", mtu: 1300, mac: "02:00:00:00:01:01", promisc: true });
    expect([changed.mtu, changed.address, changed.flags.includes("PROMISC")]).toEqual([1300, "02:00:00:00:01:01", true]);
  });

  it("refuses a non-bridge link of that name and a bad name", async () => {
    const [host] = await twoNs();
    await createVeth(host, { name: "tnnotbr", peerName: "tnnotbr-p", peerNetns: host });
    const e = await rejection(ensureBridge(host, { name: "tnnotbr" }));
    expect((e as CniError).code).toBe(7);
    for (const bad of ["", "a/b", "this-name-is-too-long", "a b", ".."]) {
      expect(((await rejection(ensureBridge(host, { name: bad }))) as CniError).code).toBe(7);
    }
  });
});

describe("veth", () => {
  it("creates a pair across netns with chosen names, mtu and macs, attached and up", async () => {
    const [host, cont] = await twoNs();
    await ensureBridge(host, { name: "tnbr0" });
    const v = await createVeth(host, { name: "tnh0", peerName: "eth0", peerNetns: cont, mtu: 1450, mac: "02:00:00:00:00:01", peerMac: "02:00:00:00:00:02", master: "tnbr0", up: true });
    expect(v).toEqual({ name: "tnh0", peerName: "eth0" });
    const h = await getLink(host, "tnh0");
    const c = await getLink(cont, "eth0");
    expect(h?.master).toBe("tnbr0");
    expect(h?.mtu).toBe(1450);
    expect(h?.address).toBe("02:00:00:00:00:01");
    expect(h?.flags).toContain("UP");
    expect(c?.mtu).toBe(1450);
    expect(c?.address).toBe("02:00:00:00:00:02");
    expect(await getLink(host, "eth0")).toBeUndefined();
    expect((await listLinks(host, { master: "tnbr0" })).map((l) => l.ifname)).toEqual(["tnh0"]);
    expect((await listLinks(host, { kind: "veth" })).map((l) => l.ifname)).toEqual(["tnh0"]);
  });

  it("names the host end veth+8 hex when no name is given, retrying collisions", async () => {
    const [host, cont] = await twoNs();
    const names = new Set<string>();
    for (let i = 0; i < 3; i++) {
      const v = await createVeth(host, { peerName: `eth${i}`, peerNetns: cont });
      expect(v.name).toMatch(/^veth[0-9a-f]{8}$/);
      names.add(v.name);
    }
    expect(names.size).toBe(3);
    expect((await listLinks(cont, { kind: "veth" })).length).toBe(3);
  });

  it("fails clearly when the container name is taken", async () => {
    const [host, cont] = await twoNs();
    await createVeth(host, { peerName: "eth0", peerNetns: cont });
    const e = await rejection(createVeth(host, { peerName: "eth0", peerNetns: cont }));
    expect(e).toBeInstanceOf(ExecError);
    expect((e as ExecError).failure).toBe("exists");
    expect((e as ExecError).message).toContain("eth0");
    expect((await listLinks(host, { kind: "veth" })).length).toBe(1); // nothing half-made
    const e2 = await rejection(createVeth(host, { name: "tnx", peerName: "eth9", peerNetns: { path: "/run/netns/tn-missing-ns" } }));
    expect(e2).toBeInstanceOf(CniError);
  });
});

describe("links", () => {
  it("sets up/down, mtu, mac, master, promisc and deletes idempotently", async () => {
    const [host, cont] = await twoNs();
    await ensureBridge(host, { name: "tnbr0" });
    await createVeth(host, { name: "tnh1", peerName: "eth0", peerNetns: cont });
    await setLink(host, "tnh1", { mtu: 1280, mac: "02:aa:bb:cc:dd:ee", master: "tnbr0", promisc: true, up: true });
    let l = await getLink(host, "tnh1");
    expect([l?.mtu, l?.address, l?.master, l?.flags.includes("UP"), l?.flags.includes("PROMISC")]).toEqual([1280, "02:aa:bb:cc:dd:ee", "tnbr0", true, true]);
    await setLink(host, "tnh1", { master: null, up: false });
    l = await getLink(host, "tnh1");
    expect(l?.master).toBeUndefined();
    expect(l?.flags).not.toContain("UP");
    await setLink(host, "tnh1", { rename: "tnh1new" });
    expect(await getLink(host, "tnh1new")).toBeDefined();
    expect(await deleteLink(host, "tnh1new")).toBe(true);
    expect(await deleteLink(host, "tnh1new")).toBe(false);
    expect(await getLink(cont, "eth0")).toBeUndefined(); // the peer went with it
    const e = await rejection(setLink(host, "tn-nope", { up: true }));
    expect((e as ExecError).failure).toBe("not-found");
    expect((e as ExecError).argv).toEqual(["ip", "-n", host.name, "link", "set", "dev", "tn-nope", "up"]);
  });

  it("moves a link to another netns", async () => {
    const [a, b] = await twoNs();
    await createVeth(a, { name: "tnm0", peerName: "tnm1", peerNetns: a });
    await setLink(a, "tnm1", { netns: b });
    expect(await getLink(a, "tnm1")).toBeUndefined();
    expect(await getLink(b, "tnm1")).toBeDefined();
  });
});

describe("bridge ports", () => {
  it("sets hairpin, isolated and learning flags", async () => {
    const [host, cont] = await twoNs();
    await ensureBridge(host, { name: "tnbr0" });
    await createVeth(host, { name: "tnp0", peerName: "eth0", peerNetns: cont, master: "tnbr0" });
    await setBridgePort(host, "tnp0", { hairpin: true, isolated: true, learning: false });
    let d = (await getLink(host, "tnp0"))?.linkinfo?.info_slave_data;
    expect([d?.["hairpin"], d?.["isolated"], d?.["learning"]]).toEqual([true, true, false]);
    await setBridgePort(host, "tnp0", { hairpin: false, isolated: false, learning: true });
    d = (await getLink(host, "tnp0"))?.linkinfo?.info_slave_data;
    expect([d?.["hairpin"], d?.["isolated"], d?.["learning"]]).toEqual([false, false, true]);
  });

  it.skipIf(VLAN)("reports missing kernel vlan filtering as unsupported", async () => {
    const [host] = await twoNs();
    const e = await rejection(ensureBridge(host, { name: "tnbr0", vlanFiltering: true }));
    expect((e as ExecError).failure).toBe("unsupported");
    await ensureBridge(host, { name: "tnbr1" });
    const e2 = await rejection(ensureBridge(host, { name: "tnbr1", vlanFiltering: true }));
    expect((e2 as ExecError).failure).toBe("unsupported");
    expect((e2 as ExecError).argv).toEqual(["ip", "-n", host.name, "link", "set", "dev", "tnbr1", "type", "bridge", "vlan_filtering", "1"]);
  });

  it.skipIf(!VLAN)("turns on vlan filtering on an existing bridge", async () => {
    const [host] = await twoNs();
    await ensureBridge(host, { name: "tnbr1" });
    const changed = await ensureBridge(host, { name: "tnbr1", vlanFiltering: true });
    expect(changed.linkinfo?.info_data?.["vlan_filtering"]).toBe(1);
  });

  it.skipIf(!VLAN)("sets pvid/untagged and trunk vlans, removing the default vlan", async () => {
    const [host, cont] = await twoNs();
    await ensureBridge(host, { name: "tnbr0", vlanFiltering: true });
    await createVeth(host, { name: "tnp1", peerName: "eth0", peerNetns: cont, master: "tnbr0" });
    expect((await listPortVlans(host, "tnp1")).map((v) => v.vlan)).toEqual([1]);
    resetExecStats();
    await setPortVlans(host, "tnp1", { removeDefault: true, pvid: 100, trunk: [200, [300, 310]] });
    expect(execStats().execs).toBe(1);
    const vl = await listPortVlans(host, "tnp1");
    expect(vl.find((v) => v.vlan === 100)?.flags?.sort()).toEqual(["Egress Untagged", "PVID"]);
    expect(vl.find((v) => v.vlan === 200)?.flags ?? []).toEqual([]);
    expect(vl.find((v) => v.vlan === 300)?.vlanEnd).toBe(310);
    expect(vl.some((v) => v.vlan === 1)).toBe(false);
    expect(((await rejection(setPortVlans(host, "tnp1", { pvid: 5000 }))) as CniError).code).toBe(7);
  });
});
