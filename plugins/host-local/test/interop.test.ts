import { describe, expect, it } from "vitest";
import { existsSync, readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { identityAs, readBuildIdentity } from "@tscni/state/identity";
import { multiCallNames, testPlugins } from "@tscni/testing/repo";
import { fileSandbox, fileTree, GO_HOST_LOCAL, OUR_HOST_LOCAL as ours, call, netConf, reservations } from "./helpers.js";

// Debian's containernetworking-plugins 1.1.1 host-local: speaks CNI up to 1.0.0, writes
// "<id>\r\n<ifname>" into a 0644 file per IP, last_reserved_ip.<N>, and flocks <dir>/lock.
const haveGo = existsSync(GO_HOST_LOCAL);

const box = fileSandbox();

const run = (bin: string, command: string, id: string, conf: object, ifname = "eth0") =>
  call(box.sb, bin, { command, containerId: id, ifname, netns: box.sb.container.path }, conf);

describe.skipIf(!haveGo)("interop with Go host-local 1.1.1 on one dataDir", () => {
  it("ours is the file this project tests: the multi-call file holding every plugin, or host-local's own", () => {
    const build = readBuildIdentity(ours);
    expect(identityAs(build, "host-local")).toMatch(/^@tscni\/host-local@\d/);
    if (testPlugins() === "multi") expect(build?.kind === "multi" ? build.held.map((h) => h.name).sort() : build).toEqual(multiCallNames().sort());
    else expect(build?.kind).toBe("single");
  });

  it("alternating ADDs continue one round-robin sequence; each side's DEL releases the other's reservations", async () => {
    const dd = join(box.work, "rr");
    const conf = netConf(dd, { ranges: [[{ subnet: "10.30.0.0/24" }], [{ subnet: "fd30::/64" }]] });
    const dir = join(dd, "thnet");
    const got: string[] = [];
    for (let i = 0; i < 6; i++) {
      const bin = i % 2 === 0 ? GO_HOST_LOCAL : ours;
      const r = await run(bin, "ADD", `c${i}`, conf);
      expect(r.exitCode, `${bin}: ${r.stdout}${r.stderr}`).toBe(0);
      got.push(...r.json.ips.map((x: any) => x.address));
    }
    expect(got.filter((a) => a.startsWith("10."))).toEqual(["2", "3", "4", "5", "6", "7"].map((h) => `10.30.0.${h}/24`));
    expect(got.filter((a) => a.startsWith("fd"))).toEqual(["2", "3", "4", "5", "6", "7"].map((h) => `fd30::${h}/64`));
    expect(readFileSync(join(dir, "last_reserved_ip.0"), "utf8")).toBe("10.30.0.7");
    // Byte-identical files whoever wrote them.
    expect(reservations(dir)["10.30.0.2"]).toBe("c0\r\neth0");
    expect(reservations(dir)["10.30.0.3"]).toBe("c1\r\neth0");

    // CHECK across implementations.
    expect((await run(GO_HOST_LOCAL, "CHECK", "c1", conf)).exitCode).toBe(0);
    expect((await run(ours, "CHECK", "c0", conf)).exitCode).toBe(0);

    // Ours releases Go's reservation and Go releases ours.
    expect((await run(ours, "DEL", "c0", conf)).exitCode).toBe(0);
    expect((await run(GO_HOST_LOCAL, "DEL", "c1", conf)).exitCode).toBe(0);
    const left = Object.values(reservations(dir));
    expect(left).not.toContain("c0\r\neth0");
    expect(left).not.toContain("c1\r\neth0");
    expect(left).toHaveLength(8);

    // Go picks up round-robin after our last reservation, and we after Go's.
    expect((await run(GO_HOST_LOCAL, "ADD", "g9", conf)).json.ips[0].address).toBe("10.30.0.8/24");
    expect((await run(ours, "ADD", "t9", conf)).json.ips[0].address).toBe("10.30.0.9/24");
  });

  it("Go refuses a duplicate of our attachment and we refuse a duplicate of Go's", async () => {
    const dd = join(box.work, "dup");
    const conf = netConf(dd, { subnet: "10.31.0.0/24" });
    expect((await run(ours, "ADD", "x", conf)).exitCode).toBe(0);
    const g = await run(GO_HOST_LOCAL, "ADD", "x", conf);
    expect(g.exitCode).toBe(1);
    expect(g.stdout).toMatch(/duplicate allocation/);
    expect((await run(GO_HOST_LOCAL, "ADD", "y", conf)).exitCode).toBe(0);
    const t = await run(ours, "ADD", "y", conf);
    expect(t.json.msg).toMatch(/duplicate allocation/);
  });

  it("requested IPs taken by the other side are refused", async () => {
    const dd = join(box.work, "req");
    const conf = (ip: string) => netConf(dd, { subnet: "10.32.0.0/24" }, { runtimeConfig: { ips: [ip] } });
    expect((await run(GO_HOST_LOCAL, "ADD", "g", conf("10.32.0.50"))).exitCode).toBe(0);
    expect((await run(ours, "ADD", "t", conf("10.32.0.50"))).json.msg).toMatch(/10.32.0.50 is not available/);
    expect((await run(ours, "ADD", "t", conf("10.32.0.51"))).exitCode).toBe(0);
    expect((await run(GO_HOST_LOCAL, "ADD", "g2", conf("10.32.0.51"))).exitCode).toBe(1);
  });

  it("our DEINIT on a store Go shares keeps every reservation (Go's and ours), lock and last_reserved_ip file", async () => {
    const dd = join(box.work, "deinit");
    const conf = netConf(dd, { ranges: [[{ subnet: "10.34.0.0/24" }], [{ subnet: "fd34::/64" }]] });
    const dir = join(dd, "thnet");
    for (const [bin, id] of [[GO_HOST_LOCAL, "g1"], [ours, "t1"], [GO_HOST_LOCAL, "g2"]] as const)
      expect((await run(bin, "ADD", id, conf)).exitCode).toBe(0);
    const deinit = () => call(box.sb, ours, { command: "DEINIT" }, { ...conf, cniVersion: "1.1.0" });
    const before = fileTree(dir);
    expect(Object.keys(before)).toEqual(expect.arrayContaining(["lock", "last_reserved_ip.0", "last_reserved_ip.1", ".tscni-index/"]));
    expect(Object.values(reservations(dir))).toHaveLength(6);
    for (let i = 0; i < 2; i++) {
      const r = await deinit();
      expect(r.exitCode, r.stdout).toBe(0);
      expect(r.stderr).toContain(dir);
      expect(r.stderr).toMatch(/6 reservation\(s\)/);
      expect(fileTree(dir)).toEqual(before);
    }
    // Go still owns and releases its own; ours too.
    expect((await run(GO_HOST_LOCAL, "CHECK", "g1", conf)).exitCode).toBe(0);
    for (const [bin, id] of [[GO_HOST_LOCAL, "g1"], [ours, "t1"], [ours, "g2"]] as const)
      expect((await run(bin, "DEL", id, conf)).exitCode).toBe(0);
    // Nothing reserved any more: only our index goes; Go's lock and the cursors stay, so does the dir.
    expect((await deinit()).exitCode).toBe(0);
    expect(readdirSync(dir).sort()).toEqual(["last_reserved_ip.0", "last_reserved_ip.1", "lock"]);
    expect((await deinit()).exitCode).toBe(0);
    expect(readdirSync(dir).sort()).toEqual(["last_reserved_ip.0", "last_reserved_ip.1", "lock"]);
    // Go keeps working on it.
    expect((await run(GO_HOST_LOCAL, "ADD", "g3", conf)).exitCode).toBe(0);
  });

  it("16 Go and 16 of our ADDs at once on one network get 32 distinct addresses", async () => {
    const dd = join(box.work, "mixed");
    const conf = netConf(dd, { subnet: "10.33.0.0/24" });
    const runs = await Promise.all(Array.from({ length: 32 }, (_, i) => run(i % 2 ? ours : GO_HOST_LOCAL, "ADD", `m${i}`, conf)));
    runs.forEach((r) => expect(r.exitCode, r.stdout + r.stderr).toBe(0));
    const addrs = runs.map((r) => r.json.ips[0].address);
    expect(new Set(addrs).size).toBe(32);
    const files = reservations(join(dd, "thnet"));
    expect(Object.keys(files)).toHaveLength(32);
    runs.forEach((r, i) => expect(files[r.json.ips[0].address.split("/")[0]]).toBe(`m${i}\r\neth0`));
  });
});
