// In-process rtnetlink (src/netlink, used by the standalone build). The codec is checked
// here under Node; the requests themselves under bun (vitest runs on Node, which has no
// FFI), inside test netns, and their effect is read back with `ip -json`.
import { execFileSync } from "node:child_process";
import { resolve } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { attr, decodeAttrs, decodeMessages, encodeAttrs, encodeMessage, ifinfomsg } from "../src/netlink/codec.js";
import { cleanupAll, leftoverNetns, newNetns } from "./sandbox.js";
import { underBun } from "./under-bun.js";

afterEach(() => {
  cleanupAll();
  expect(leftoverNetns()).toEqual([]);
});

describe("netlink codec", () => {
  it("pads attributes to 4 bytes, nests them, and reads back what it wrote", () => {
    const enc = encodeAttrs([attr.str(3, "eth0"), attr.u32(4, 1400), attr.nested(18, [attr.str(1, "veth")])]);
    // "eth0\0" is 5 bytes: 4 + 5 = 9, padded to 12; then 8; then 4 + (4 + 5 -> 12) = 16.
    expect(enc.length).toBe(12 + 8 + 16);
    const a = decodeAttrs(enc);
    expect(a.get(3)!.toString()).toBe("eth0\0");
    expect(a.get(4)!.readUInt32LE(0)).toBe(1400);
    expect(decodeAttrs(a.get(18)!).get(1)!.toString()).toBe("veth\0");
  });

  it("frames messages with their length, type, flags and sequence; several per datagram", () => {
    const m1 = encodeMessage(18, 0x5, 7, ifinfomsg({ index: 3 }), [attr.str(3, "lo")]);
    const m2 = encodeMessage(2, 0, 8, Buffer.alloc(4), []);
    expect(m1.readUInt32LE(0)).toBe(m1.length);
    const [a, b] = decodeMessages(Buffer.concat([m1, m2]));
    expect(a).toMatchObject({ type: 18, flags: 0x5, seq: 7 });
    expect(a!.body.readInt32LE(4)).toBe(3);
    expect(b).toMatchObject({ type: 2, seq: 8 });
    expect(decodeMessages(m1.subarray(0, 10))).toEqual([]); // truncated: nothing
  });
});

const NETLINK = resolve(import.meta.dirname, "../src/netlink/index.ts");
const TYPES = resolve(import.meta.dirname, "../../types/src/index.ts");

const IMPORTS = `import { openSync, closeSync } from "node:fs";\nimport * as nl from ${JSON.stringify(NETLINK)};\nimport { describeError } from ${JSON.stringify(TYPES)};`;
const ipj = (ns: string, ...args: string[]) => JSON.parse(execFileSync("ip", ["-n", ns, "-j", "-d", ...args], { encoding: "utf8" }) || "[]");

describe("netlink requests (under bun)", () => {
  it("make the veth (bridge port flags included), addresses and routes `ip` would, and fail where `ip` fails", () => {
    const host = newNetns();
    const cont = newNetns();
    execFileSync("ip", ["-n", host.name, "link", "add", "tnlbr", "type", "bridge"]);
    const out = underBun(
      host.name,
      IMPORTS,
      `const s = (await nl.Rtnl.open())!;
const br = nl.nlGetLink(s, "tnlbr")!;
nl.nlSetUp(s, br.index, "tnlbr");
const fd = openSync(${JSON.stringify(cont.path)}, "r");
nl.nlCreateVeth(s, { name: "tnlh0", peerName: "eth0", peerNetnsFd: fd, peerMac: "0a:58:0a:4d:00:05", mtu: 1400, master: br.index });
let dup = null;
try { nl.nlCreateVeth(s, { name: "tnlh0", peerName: "eth9", peerNetnsFd: fd, peerMac: "0a:58:0a:4d:00:06", master: br.index }); } catch (e) { dup = e.code; }
closeSync(fd);
const h = nl.nlGetLink(s, "tnlh0")!;
nl.nlSetAlias(s, h.index, "tnlh0", "tscni/" + "a".repeat(249));
nl.nlSetBridgePort(s, h.index, "tnlh0", { hairpin: true, isolated: true });
s.close();
const c = (await nl.Rtnl.open(${JSON.stringify(cont.path)}))!;
const e = nl.nlGetLink(c, "eth0")!;
nl.nlAddAddr(c, e.index, "10.77.0.5/24", false);
nl.nlAddAddr(c, e.index, "fd77::5/64", true);
nl.nlSetUp(c, e.index, "eth0");
nl.nlAddRoute(c, e.index, { dst: "0.0.0.0/0", via: "10.77.0.1" }, "default");
nl.nlAddRoute(c, e.index, { dst: "10.99.0.0/16", metric: 50 }, "link route");
nl.nlAddRoute(c, e.index, { dst: "10.98.0.0/16", via: "10.77.0.1", table: 300 }, "table route");
let unreach = null;
try { nl.nlAddRoute(c, e.index, { dst: "10.97.0.0/16", via: "10.200.0.1" }, "ip route add 10.97.0.0/16 via 10.200.0.1"); } catch (err) { unreach = { code: err.code, msg: err.message, details: describeError(err) }; }
const missing = nl.nlGetLink(c, "nope0") ?? null;
console.log(JSON.stringify({ br, h, e, dup, unreach, missing }));`,
    );
    const [hostLink] = ipj(host.name, "link", "show", "tnlh0");
    const [bridge] = ipj(host.name, "link", "show", "tnlbr");
    expect(out.br).toMatchObject({ index: bridge.ifindex, mtu: 1500 });
    expect(bridge.flags).toContain("UP");
    expect(hostLink).toMatchObject({ master: "tnlbr", mtu: 1400, ifalias: "tscni/" + "a".repeat(249) });
    expect(hostLink.flags).toContain("UP");
    expect(hostLink.linkinfo.info_slave_data).toMatchObject({ hairpin: true, isolated: true });
    expect(out.h).toMatchObject({ index: hostLink.ifindex, address: hostLink.address, mtu: 1400 });
    expect(out.dup).toBe("EEXIST");

    const [eth0] = ipj(cont.name, "addr", "show", "eth0");
    expect(eth0).toMatchObject({ address: "0a:58:0a:4d:00:05", mtu: 1400 });
    expect(eth0.flags).toContain("UP");
    const addrs = eth0.addr_info.filter((a: any) => a.scope === "global").map((a: any) => `${a.local}/${a.prefixlen}${a.nodad ? " nodad" : ""}`);
    expect(addrs).toEqual(["10.77.0.5/24", "fd77::5/64 nodad"]);
    const routes = ipj(cont.name, "route", "show", "table", "all");
    expect(routes).toEqual(expect.arrayContaining([
      expect.objectContaining({ dst: "default", gateway: "10.77.0.1", dev: "eth0" }),
      expect.objectContaining({ dst: "10.99.0.0/16", dev: "eth0", scope: "link", metric: 50 }),
      expect.objectContaining({ dst: "10.98.0.0/16", gateway: "10.77.0.1", table: "300" }),
    ]));
    expect(out.unreach.code).toBe("ENETUNREACH");
    expect(out.unreach.msg).toMatch(/^ip route add 10\.97\.0\.0\/16 via 10\.200\.0\.1: Error: Nexthop has invalid gateway\.?$/);
    // An error object's details: the error's name, its message (the kernel's extack text) and the errno.
    expect(out.unreach.details).toMatch(/^NetlinkError: ip route add 10\.97\.0\.0\/16 via 10\.200\.0\.1: Error: Nexthop has invalid gateway\.? \[errno ENETUNREACH \(101\)\]$/);
    expect(out.missing).toBeNull();
  });
});
