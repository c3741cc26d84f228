import { describe, expect, it } from "vitest";
import { existsSync, lstatSync, mkdirSync, readdirSync, symlinkSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { ErrorCode } from "@tscni/types";
import { fileSandbox, fileTree, OUR_HOST_LOCAL as bin, call, netConf, reservations, tempFiles, type CallOpts } from "./helpers.js";

let n = 0;

const box = fileSandbox();

/** A fresh dataDir per test. */
function fresh(): string {
  return join(box.work, `d${n++}`);
}
const add = (conf: object, id = "c1", extra: Partial<CallOpts> = {}) => call(box.sb, bin, { command: "ADD", containerId: id, ifname: "eth0", netns: box.sb.container.path, ...extra }, conf);
const del = (conf: object, id = "c1", extra: Partial<CallOpts> = {}) => call(box.sb, bin, { command: "DEL", containerId: id, ifname: "eth0", netns: box.sb.container.path, ...extra }, conf);
const verb = (command: string, conf: object) => call(box.sb, bin, { command }, conf);

describe("ADD result per cniVersion", () => {
  it.each(["0.3.1", "0.4.0", "1.0.0", "1.1.0"])("%s", async (v) => {
    const dd = fresh();
    const conf = netConf(dd, { ranges: [[{ subnet: "10.10.0.0/24" }], [{ subnet: "fd10::/64" }]], routes: [{ dst: "0.0.0.0/0" }, { dst: "::/0", gw: "fd10::1" }] }, {}, v);
    const r = await add(conf);
    expect(r.exitCode, r.stdout + r.stderr).toBe(0);
    expect(r.json.cniVersion).toBe(v);
    expect(r.json.ips.map((i: any) => [i.address, i.gateway])).toEqual([["10.10.0.2/24", "10.10.0.1"], ["fd10::2/64", "fd10::1"]]);
    if (v.startsWith("0.")) expect(r.json.ips.map((i: any) => i.version)).toEqual(["4", "6"]);
    else expect(r.json.ips[0].version).toBeUndefined();
    expect(r.json.routes).toEqual([{ dst: "0.0.0.0/0" }, { dst: "::/0", gw: "fd10::1" }]);
    expect(reservations(join(dd, "thnet"))).toEqual({ "10.10.0.2": "c1\r\neth0", "fd10::2": "c1\r\neth0" });
  });
});

describe("requested addresses", () => {
  it("CNI_ARGS IP= (with IgnoreUnknown), args.cni.ips and runtimeConfig.ips", async () => {
    const dd = fresh();
    const ipam = { ranges: [[{ subnet: "10.11.0.0/24" }], [{ subnet: "fd11::/64" }]] };
    let r = await add(netConf(dd, ipam), "a", { args: "IgnoreUnknown=1;K8S_POD_NAME=p;IP=10.11.0.40" });
    expect(r.json.ips.map((i: any) => i.address)).toEqual(["10.11.0.40/24", "fd11::2/64"]);
    r = await add(netConf(dd, ipam, { args: { cni: { ips: ["10.11.0.41", "fd11::41"] } } }), "b");
    expect(r.json.ips.map((i: any) => i.address)).toEqual(["10.11.0.41/24", "fd11::41/64"]);
    r = await add(netConf(dd, ipam, { runtimeConfig: { ips: ["10.11.0.42/24"] } }), "c");
    expect(r.json.ips.map((i: any) => i.address)).toEqual(["10.11.0.42/24", "fd11::42/64"]); // round-robin continues after fd11::41
    // Taken, gateway, outside every range: refused, nothing reserved for "d".
    for (const ip of ["10.11.0.42", "10.11.0.1", "10.99.0.1"]) {
      r = await add(netConf(dd, ipam, { runtimeConfig: { ips: [ip] } }), "d");
      expect(r.exitCode).toBe(1);
      expect(r.json.msg).toMatch(ip);
    }
    expect(Object.values(reservations(join(dd, "thnet")))).not.toContain("d\r\neth0");
    r = await add(netConf(dd, ipam), "e", { args: "K8S_POD_NAME=p" });
    expect(r.json.code).toBe(4);
  });
});

describe("legacy keys, routes, resolvConf", () => {
  it("subnet/rangeStart/rangeEnd/gateway and DNS from resolvConf", async () => {
    const dd = fresh();
    const rc = join(box.work, "resolv.conf");
    writeFileSync(rc, "# c\nnameserver 10.0.0.53\nnameserver fd00::53\ndomain example.org\nsearch a.example b.example\noptions ndots:2 rotate\n");
    const conf = netConf(dd, { subnet: "10.12.0.0/16", rangeStart: "10.12.5.10", rangeEnd: "10.12.5.11", gateway: "10.12.0.254", resolvConf: rc }, {}, "1.1.0");
    const r = await add(conf);
    expect(r.json.ips).toEqual([{ address: "10.12.5.10/16", gateway: "10.12.0.254" }]);
    expect(r.json.dns).toEqual({ nameservers: ["10.0.0.53", "fd00::53"], domain: "example.org", search: ["a.example", "b.example"], options: ["ndots:2", "rotate"] });
    expect((await add(conf, "c2")).json.ips[0].address).toBe("10.12.5.11/16");
    const full = await add(conf, "c3");
    expect(full.exitCode).toBe(1);
    expect(full.json.code).toBe(11);
    expect(full.json.msg).toBe("no IP addresses available in range set: 10.12.5.10-10.12.5.11");
  });

  it("a missing resolvConf fails with code 7 before reserving", async () => {
    const dd = fresh();
    const r = await add(netConf(dd, { subnet: "10.13.0.0/24", resolvConf: join(box.work, "nope") }));
    expect(r.json.code).toBe(7);
    expect(reservations(join(dd, "thnet"))).toEqual({});
  });
});

describe("DEL and CHECK", () => {
  it("DEL releases every address of (containerID, ifname) and is idempotent", async () => {
    const dd = fresh();
    const conf = netConf(dd, { ranges: [[{ subnet: "10.14.0.0/24" }], [{ subnet: "fd14::/64" }]] });
    await add(conf, "a");
    await add(conf, "a", { ifname: "net1" });
    await add(conf, "b");
    expect((await del(conf, "a")).exitCode).toBe(0);
    expect((await del(conf, "a")).exitCode).toBe(0);
    expect(Object.values(reservations(join(dd, "thnet"))).sort()).toEqual(["a\r\nnet1", "a\r\nnet1", "b\r\neth0", "b\r\neth0"]);
  });

  it("DEL on a network that never had a store succeeds and creates nothing", async () => {
    const dd = fresh();
    const r = await del(netConf(dd, { subnet: "10.15.0.0/24" }), "zz");
    expect(r.exitCode).toBe(0);
    expect(existsSync(dd)).toBe(false);
  });

  it("DEL with CNI_ARGS it cannot parse still releases the attachment (only ADD reads CNI_ARGS)", async () => {
    const dd = fresh();
    const conf = netConf(dd, { ranges: [[{ subnet: "10.14.1.0/24" }], [{ subnet: "fd14:1::/64" }]] });
    for (const [i, args] of ["a=b=c", "x", "IP=10.14.1.9;", "\u00e9=1;;"].entries()) {
      const id = `m${i}`;
      expect((await add(conf, id)).exitCode).toBe(0);
      const r = await del(conf, id, { args });
      expect(r.exitCode, `${args}: ${r.stdout}`).toBe(0);
      expect(Object.values(reservations(join(dd, "thnet"))), args).not.toContain(`${id}\r\neth0`);
    }
    // ADD does read it: a malformed CNI_ARGS fails there, with code 4 and nothing reserved.
    const bad = await add(conf, "n", { args: "a=b=c" });
    expect(bad.json.code).toBe(4);
    expect(reservations(join(dd, "thnet"))).toEqual({});
  });

  it("CHECK passes for a reserved attachment, fails with code 999 (not 3) otherwise or when prevResult disagrees", async () => {
    const dd = fresh();
    const conf = netConf(dd, { subnet: "10.16.0.0/24" });
    const added = await add(conf, "a");
    const chk = (id: string, c: object) => call(box.sb, bin, { command: "CHECK", containerId: id, ifname: "eth0", netns: box.sb.container.path }, c);
    expect((await chk("a", { ...conf, prevResult: added.json })).exitCode).toBe(0);
    // Code 3 would tell the runtime "nothing to clean up"; Go answers a plain failure.
    const other = await chk("b", conf);
    expect(other.exitCode).toBe(1);
    expect(other.json.code).toBe(ErrorCode.Internal);
    expect(other.json.msg).toMatch(/failed to find address added by container b/);
    const wrong = { ...added.json, ips: [{ address: "10.16.0.99/24", gateway: "10.16.0.1" }] };
    const disagree = await chk("a", { ...conf, prevResult: wrong });
    expect(disagree.json.code).toBe(ErrorCode.Internal);
    expect(disagree.json.msg).toMatch(/10\.16\.0\.99 from prevResult is not reserved for a/);
    await del(conf, "a");
    expect((await chk("a", conf)).json.code).toBe(ErrorCode.Internal);
  });
});

describe("GC, STATUS, INIT, DEINIT", () => {
  it("GC releases everything not in cni.dev/valid-attachments, including ownerless leftovers", async () => {
    const dd = fresh();
    const conf = netConf(dd, { ranges: [[{ subnet: "10.17.0.0/24" }], [{ subnet: "fd17::/64" }]] }, {}, "1.1.0");
    for (const id of ["a", "b", "c"]) await add(conf, id);
    const dir = join(dd, "thnet");
    writeFileSync(join(dir, "10.17.0.200"), ""); // what a Go ADD killed between create and write leaves
    writeFileSync(join(dir, ".tscni-deadbeef"), "c\r\neth0"); // a temp file from a killed ADD
    const r = await verb("GC", { ...conf, "cni.dev/valid-attachments": [{ containerID: "b", ifname: "eth0" }] });
    expect(r.exitCode, r.stdout).toBe(0);
    expect(reservations(dir)).toEqual({ "10.17.0.3": "b\r\neth0", "fd17::3": "b\r\neth0" });
    expect(tempFiles(dir)).toEqual([]);
    // Empty list: everything goes.
    expect((await verb("GC", { ...conf, "cni.dev/valid-attachments": [] })).exitCode).toBe(0);
    expect(reservations(dir)).toEqual({});
  });

  it("GC without cni.dev/valid-attachments fails with code 7 naming the key and releases nothing", async () => {
    const dd = fresh();
    const conf = netConf(dd, { ranges: [[{ subnet: "10.17.1.0/24" }], [{ subnet: "fd17:1::/64" }]] }, {}, "1.1.0");
    for (const id of ["a", "b"]) await add(conf, id);
    const dir = join(dd, "thnet");
    writeFileSync(join(dir, "10.17.1.200"), ""); // ownerless: what GC with a list would remove
    const before = reservations(dir);
    expect(Object.keys(before)).toHaveLength(5);
    const r = await verb("GC", conf);
    expect(r.exitCode).toBe(1);
    expect(r.json.code).toBe(ErrorCode.InvalidConfig);
    expect(r.json.msg).toContain("cni.dev/valid-attachments");
    expect(reservations(dir)).toEqual(before);
  });

  it("STATUS is 50 once any range set is exhausted, and fine again after a DEL", async () => {
    const dd = fresh();
    const conf = netConf(dd, { ranges: [[{ subnet: "10.18.0.0/30" }], [{ subnet: "fd18::/120" }]] }, {}, "1.1.0");
    expect((await verb("STATUS", conf)).exitCode).toBe(0);
    await add(conf, "a");
    const s = await verb("STATUS", conf);
    expect(s.exitCode).toBe(1);
    expect(s.json.code).toBe(50);
    expect(s.json.msg).toMatch("10.18.0.1-10.18.0.2");
    await del(conf, "a");
    expect((await verb("STATUS", conf)).exitCode).toBe(0);
  });

  it("INIT prepares the store; DEINIT removes only the owner index and an empty store dir; both idempotent", async () => {
    const dd = fresh();
    const conf = netConf(dd, { ranges: [[{ subnet: "10.19.0.0/24" }], [{ subnet: "fd19::/64" }]] }, {}, "1.1.0");
    const dir = join(dd, "thnet");
    expect((await verb("INIT", conf)).exitCode).toBe(0);
    expect(readdirSync(dir)).toEqual([".tscni-index"]);
    expect((await verb("INIT", conf)).exitCode).toBe(0);
    // Nothing but the index: the directory goes (and dataDir, shared by networks, stays).
    let r = await verb("DEINIT", conf);
    expect(r.exitCode, r.stdout).toBe(0);
    expect(existsSync(dir)).toBe(false);
    expect(existsSync(dd)).toBe(true);
    expect((await verb("DEINIT", conf)).exitCode).toBe(0);

    // Live reservations: nothing is touched, and stderr says why.
    await verb("INIT", conf);
    await add(conf, "a");
    const before = fileTree(dir);
    r = await verb("DEINIT", conf);
    expect(r.exitCode, r.stdout).toBe(0);
    expect(r.stderr).toContain(dir);
    expect(r.stderr).toMatch(/2 reservation\(s\)/);
    expect(fileTree(dir)).toEqual(before);
    expect((await verb("DEINIT", conf)).exitCode).toBe(0);
    expect(fileTree(dir)).toEqual(before);

    // Released: the index goes; last_reserved_ip.N (Go writes it too) stays, and so does the dir.
    await del(conf, "a");
    r = await verb("DEINIT", conf);
    expect(r.exitCode, r.stdout).toBe(0);
    expect(readdirSync(dir).sort()).toEqual(["last_reserved_ip.0", "last_reserved_ip.1"]);
    expect((await verb("DEINIT", conf)).exitCode).toBe(0);
    expect(readdirSync(dir).sort()).toEqual(["last_reserved_ip.0", "last_reserved_ip.1"]);
  });

  it("DEINIT never follows a symlink in place of the store directory", async () => {
    const dd = fresh();
    const conf = netConf(dd, { subnet: "10.19.1.0/24" }, {}, "1.1.0");
    const elsewhere = join(box.work, `elsewhere${n++}`);
    mkdirSync(join(elsewhere, ".tscni-index"), { recursive: true });
    writeFileSync(join(elsewhere, ".tscni-index", "base"), "x");
    mkdirSync(dd);
    symlinkSync(elsewhere, join(dd, "thnet"));
    const r = await verb("DEINIT", conf);
    expect(r.exitCode, r.stdout).toBe(0);
    expect(r.stderr).toMatch(/not a directory/);
    expect(lstatSync(join(dd, "thnet")).isSymbolicLink()).toBe(true);
    expect(readdirSync(join(elsewhere, ".tscni-index"))).toEqual(["base"]);
  });

  it("INIT with a bad config fails with code 7 and creates nothing", async () => {
    const dd = fresh();
    const r = await verb("INIT", netConf(dd, { ranges: [[{ subnet: "10.20.0.0/24", rangeStart: "10.21.0.1" }]] }, {}, "1.1.0"));
    expect(r.json.code).toBe(7);
    expect(existsSync(dd)).toBe(false);
  });
});

describe("bad input", () => {
  const cases: Array<[string, (dd: string) => object | string, number]> = [
    ["not JSON", () => "{nope", 6],
    ["ipam missing", (dd) => ({ cniVersion: "1.0.0", name: "thnet", type: "x" }), 7],
    ["ranges wrong type", (dd) => netConf(dd, { ranges: "10.0.0.0/24" }), 7],
    ["CIDR garbage", (dd) => netConf(dd, { ranges: [[{ subnet: "10.0.0.0/40" }]] }), 7],
    ["rangeStart outside subnet", (dd) => netConf(dd, { ranges: [[{ subnet: "10.0.0.0/24", rangeStart: "10.0.9.1" }]] }), 7],
    ["overlapping ranges", (dd) => netConf(dd, { ranges: [[{ subnet: "10.0.0.0/16" }], [{ subnet: "10.0.3.0/24" }]] }), 7],
    ["gateway garbage", (dd) => netConf(dd, { subnet: "10.0.0.0/24", gateway: "10.0.0" }), 7],
    ["routes garbage", (dd) => netConf(dd, { subnet: "10.0.0.0/24", routes: [{ dst: "10.0.0.0/99" }] }), 7],
    ["name traversal", (dd) => netConf(dd, { subnet: "10.0.0.0/24" }, {}, "1.0.0", "../../escape"), 7],
    ["relative dataDir", () => netConf("rel", { subnet: "10.0.0.0/24" }), 7],
    ["dataDir with ..", (dd) => netConf(`${dd}/../x`, { subnet: "10.0.0.0/24" }), 7],
    ["runtimeConfig.ips garbage", (dd) => netConf(dd, { subnet: "10.0.0.0/24" }, { runtimeConfig: { ips: [42] } }), 7],
  ];
  it.each(cases)("%s: spec error code, nothing written", async (_, mk, code) => {
    const dd = fresh();
    const r = await add(mk(dd) as object);
    expect(r.exitCode).toBe(1);
    expect(r.json.code).toBe(code);
    expect(typeof r.json.msg).toBe("string");
    expect(existsSync(dd)).toBe(false);
    expect(existsSync(join(box.work, "x"))).toBe(false);
  });
});
