import { describe, expect, it } from "vitest";
import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { fileSandbox, OUR_HOST_LOCAL as bin, call, netConf, reservations, tempFiles } from "./helpers.js";

const box = fileSandbox();

const run = (command: string, id: string, conf: object, killAfterMs?: number) =>
  call(box.sb, bin, { command, containerId: id, ifname: "eth0", netns: box.sb.container.path }, conf, killAfterMs);

describe("concurrency without a global lock", () => {
  it("32 concurrent ADDs with distinct IDs get 32 distinct addresses, each file owned by its caller", async () => {
    const dd = join(box.work, "c32");
    const conf = netConf(dd, { ranges: [[{ subnet: "10.40.0.0/26" }], [{ subnet: "fd40::/120" }]] });
    const runs = await Promise.all(Array.from({ length: 32 }, (_, i) => run("ADD", `k${i}`, conf)));
    runs.forEach((r) => expect(r.exitCode, r.stdout + r.stderr).toBe(0));
    for (const fam of [0, 1]) {
      const addrs = runs.map((r) => r.json.ips[fam].address);
      expect(new Set(addrs).size).toBe(32);
    }
    const files = reservations(join(dd, "thnet"));
    expect(Object.keys(files)).toHaveLength(64);
    runs.forEach((r, i) => {
      for (const ipc of r.json.ips) expect(files[ipc.address.split("/")[0]]).toBe(`k${i}\r\neth0`);
    });
    // And 32 concurrent DELs release all of them.
    const dels = await Promise.all(runs.map((_, i) => run("DEL", `k${i}`, conf)));
    dels.forEach((r) => expect(r.exitCode).toBe(0));
    expect(reservations(join(dd, "thnet"))).toEqual({});
  });

  it("more concurrent ADDs than addresses: exactly the free count succeed, the rest fail cleanly", async () => {
    const dd = join(box.work, "tight");
    const conf = netConf(dd, { subnet: "10.41.0.0/28" }); // .2-.14: 13 addresses
    const runs = await Promise.all(Array.from({ length: 20 }, (_, i) => run("ADD", `t${i}`, conf)));
    const ok = runs.filter((r) => r.exitCode === 0);
    expect(ok).toHaveLength(13);
    runs.filter((r) => r.exitCode !== 0).forEach((r) => expect(r.json.msg).toMatch(/no IP addresses available/));
    expect(Object.keys(reservations(join(dd, "thnet")))).toHaveLength(13);
  });

  it("kill -9 at any point leaves no lock and nothing DEL cannot release", async () => {
    const dd = join(box.work, "kill");
    const conf = netConf(dd, { ranges: [[{ subnet: "10.42.0.0/24" }], [{ subnet: "fd42::/120" }]] });
    const dir = join(dd, "thnet");
    const ids: string[] = [];
    let killed = 0;
    // Calibrate: how long a batch of 8 concurrent ADDs takes here, then spread the
    // kill delays over that whole span (start-up, reserve, link, last_reserved).
    const t0 = Date.now();
    await Promise.all(Array.from({ length: 8 }, (_, j) => run("ADD", `cal${j}`, conf)));
    const span = Date.now() - t0;
    for (let j = 0; j < 8; j++) await run("DEL", `cal${j}`, conf);
    const rounds = 8;
    for (let round = 0; round < rounds; round++) {
      await Promise.all(Array.from({ length: 8 }, (_, j) => {
        const id = `x${round}-${j}`;
        ids.push(id);
        const delay = Math.round((span * 1.2 * (round * 8 + j)) / (rounds * 8));
        return run("ADD", id, conf, delay).then((r) => {
          if (r.signal === "SIGKILL") killed++;
        });
      }));
    }
    // The kills must have landed both before and after reservations were made.
    expect(killed).toBeGreaterThan(0);
    expect(Object.keys(reservations(dir)).length).toBeGreaterThan(0);
    // No lock is left: a normal ADD goes through right away.
    const fresh = await run("ADD", "after", conf);
    expect(fresh.exitCode, fresh.stdout).toBe(0);
    // Every survivor of a kill is released by DEL of its owner.
    for (const id of ids) expect((await run("DEL", id, conf)).exitCode).toBe(0);
    const owners = Object.values(reservations(dir));
    expect(owners).toEqual(["after\r\neth0", "after\r\neth0"]);
    // Only ownerless temp files may remain (killed between create and write); GC removes them.
    for (const n of readdirSync(dir).filter((x) => x.startsWith(".tscni-") && x !== ".tscni-index")) {
      const c = readFileSync(join(dir, n), "utf8");
      expect(c === "" || /^10\.42\.|^fd42::/.test(c)).toBe(true);
    }
    const g = await call(box.sb, bin, { command: "GC" }, { ...conf, cniVersion: "1.1.0", "cni.dev/valid-attachments": [{ containerID: "after", ifname: "eth0" }] });
    expect(g.exitCode).toBe(0);
    expect(tempFiles(dir)).toEqual([]);
    expect(Object.values(reservations(dir))).toEqual(["after\r\neth0", "after\r\neth0"]);
  });
});
