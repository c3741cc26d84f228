import { describe, expect, it } from "vitest";
import { existsSync, mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { fileSandbox, GO_HOST_LOCAL, OUR_HOST_LOCAL as ours, call, netConf, reservations, tempFiles } from "./helpers.js";

// The owner index must stay correct when Go's host-local 1.1.1 writes the same store between our calls.
const haveGo = existsSync(GO_HOST_LOCAL);

const box = fileSandbox();

const run = (bin: string, command: string, id: string, conf: object) =>
  call(box.sb, bin, { command, containerId: id, ifname: "eth0", netns: box.sb.container.path }, conf);

/** A store with `n` reservations written directly in Go's format. */
function prefill(dir: string, n: number): void {
  mkdirSync(dir, { recursive: true });
  for (let i = 0; i < n; i++) writeFileSync(join(dir, `10.60.${(i + 2) >> 8}.${(i + 2) & 255}`), `pre${i}\r\neth0`);
  writeFileSync(join(dir, "last_reserved_ip.0"), `10.60.${(n + 1) >> 8}.${(n + 1) & 255}`);
}

describe.skipIf(!haveGo)("owner index with Go host-local 1.1.1 on the same store", () => {
  it("Go's ADDs and DELs between ours are seen: duplicates refused, DEL releases Go's files, nothing leaks", async () => {
    const dd = join(box.work, "mix");
    const dir = join(dd, "thnet");
    const conf = netConf(dd, { subnet: "10.60.0.0/16" });
    prefill(dir, 600);
    expect((await run(ours, "ADD", "t1", conf)).exitCode).toBe(0); // first call: scan + base
    expect((await run(ours, "ADD", "t2", conf)).exitCode).toBe(0); // index answers
    // Go reserves for g1, then for our t2 under another range-set config (Go's own duplicate check is per range set).
    expect((await run(GO_HOST_LOCAL, "ADD", "g1", conf)).exitCode).toBe(0);
    const other = netConf(dd, { ranges: [[{ subnet: "10.61.0.0/24" }]] });
    expect((await run(GO_HOST_LOCAL, "ADD", "t2", other)).exitCode).toBe(0);
    // Ours refuses a duplicate of Go's g1, and DEL of t2 takes both addresses, ours and Go's.
    expect((await run(ours, "ADD", "g1", conf)).json.msg).toMatch(/duplicate allocation/);
    expect((await run(ours, "DEL", "t2", conf)).exitCode).toBe(0);
    let files = reservations(dir);
    expect(Object.values(files)).not.toContain("t2\r\neth0");
    // Go's DEL of our t1, then our ADD of t1 again, then our DEL of Go's g1.
    expect((await run(GO_HOST_LOCAL, "DEL", "t1", conf)).exitCode).toBe(0);
    const again = await run(ours, "ADD", "t1", conf);
    expect(again.exitCode, again.stdout).toBe(0);
    expect((await run(ours, "CHECK", "t1", { ...conf, prevResult: again.json })).exitCode).toBe(0);
    expect((await run(ours, "DEL", "g1", conf)).exitCode).toBe(0);
    expect((await run(ours, "DEL", "t1", conf)).exitCode).toBe(0);
    files = reservations(dir);
    expect(Object.keys(files)).toHaveLength(600);
    expect(Object.values(files).every((o) => o.startsWith("pre"))).toBe(true);
    expect(tempFiles(dir)).toEqual([]);
  });

  it("Go keeps working on a store our index lives in: its ADD, duplicate check and DEL see only reservations", async () => {
    const dd = join(box.work, "go-after");
    const dir = join(dd, "thnet");
    const conf = netConf(dd, { subnet: "10.62.0.0/24" });
    for (const id of ["a", "b", "c"]) expect((await run(ours, "ADD", id, conf)).exitCode).toBe(0);
    expect(existsSync(join(dir, ".tscni-index", "base"))).toBe(true);
    const g = await run(GO_HOST_LOCAL, "ADD", "d", conf);
    expect(g.json.ips[0].address).toBe("10.62.0.5/24");
    expect((await run(GO_HOST_LOCAL, "ADD", "b", conf)).stdout).toMatch(/duplicate allocation/);
    expect((await run(GO_HOST_LOCAL, "DEL", "a", conf)).exitCode).toBe(0);
    expect((await run(ours, "DEL", "d", conf)).exitCode).toBe(0);
    expect(reservations(dir)).toEqual({ "10.62.0.3": "b\r\neth0", "10.62.0.4": "c\r\neth0" });
    // Ours continues round-robin after Go's last reservation.
    expect((await run(ours, "ADD", "e", conf)).json.ips[0].address).toBe("10.62.0.6/24");
  });

  it("INIT builds the index up front; GC of 2,000 stale Go-format reservations keeps only the valid one", async () => {
    const dd = join(box.work, "gc");
    const dir = join(dd, "thnet");
    const conf = netConf(dd, { subnet: "10.60.0.0/16" }, {}, "1.1.0");
    prefill(dir, 2000);
    expect((await call(box.sb, ours, { command: "INIT" }, conf)).exitCode).toBe(0);
    expect(existsSync(join(dir, ".tscni-index", "base"))).toBe(true);
    const gc = await call(box.sb, ours, { command: "GC" }, { ...conf, "cni.dev/valid-attachments": [{ containerID: "pre7", ifname: "eth0" }] });
    expect(gc.exitCode, gc.stdout).toBe(0);
    expect(reservations(dir)).toEqual({ "10.60.0.9": "pre7\r\neth0" });
    expect((await run(ours, "DEL", "pre7", conf)).exitCode).toBe(0);
    expect(reservations(dir)).toEqual({});
    expect(tempFiles(dir)).toEqual([]);
  });
});
