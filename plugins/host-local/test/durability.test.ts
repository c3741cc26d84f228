// Which fsyncs an exec does, observed with strace on the built executable: the claims of
// README "Concurrency and crash safety" (2 per ADD, none for DEL or the index) are checked here.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { spawnSync } from "node:child_process";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { buildHostLocal, cniEnv, netConf, reservations, rmrf, tempDir, tempFiles } from "./helpers.js";

// strace is not in .ci/setup.sh's package list: without it this file is skipped, not failed.
const hasStrace = spawnSync("strace", ["-V"]).status === 0;

let work: string;
let bin: string;
let ns = "";

beforeAll(() => {
  if (!hasStrace) return;
  work = tempDir();
  bin = buildHostLocal(work);
  ns = `tsu-${process.pid.toString(36)}${Math.floor(Math.random() * 1e9).toString(36)}`;
  const r = spawnSync("ip", ["netns", "add", ns], { encoding: "utf8" });
  if (r.status !== 0) throw new Error(`ip netns add ${ns}: ${r.stderr}`);
});
afterAll(() => {
  if (ns) spawnSync("ip", ["netns", "del", ns]);
  if (work) rmrf(work);
});

/** Runs one verb under strace; returns the fsync-family calls with the path of their fd. */
function traced(command: string, id: string, conf: object): { status: number | null; syncs: string[] } {
  const log = join(work, `strace-${command}-${id}.log`);
  const env = cniEnv({ command, containerId: id, ifname: "eth0", netns: `/var/run/netns/${ns}` });
  const r = spawnSync("strace", ["-f", "-y", "-qq", "-e", "trace=fsync,fdatasync,sync_file_range,syncfs,sync", "-o", log, bin], {
    env, input: JSON.stringify(conf), encoding: "utf8",
  });
  if (r.error) throw r.error;
  const syncs = readFileSync(log, "utf8").split("\n").filter((l) => /\b(fsync|fdatasync|sync_file_range|syncfs|sync)\(/.test(l));
  return { status: r.status, syncs };
}

describe.skipIf(!hasStrace)("fsyncs per exec (strace)", () => {
  it("ADD: the reservation content (the marker it links) and the store directory; nothing for the index", () => {
    const dataDir = join(work, "d1");
    const conf = netConf(dataDir, { ranges: [[{ subnet: "10.44.0.0/24" }], [{ subnet: "fd44::/64" }]] });
    // The first ADD also builds the index base; the second uses it.
    for (const id of ["c1", "c2"]) {
      const { status, syncs } = traced("ADD", id, conf);
      expect(status).toBe(0);
      expect(syncs).toHaveLength(2);
      expect(syncs[0]).toMatch(/fsync\(\d+<[^>]*\/thnet\/\.tscni-index\/t-[0-9a-f]{16}>\)/);
      expect(syncs[1]).toMatch(/fsync\(\d+<[^>]*\/thnet>\)/);
    }
    const store = join(dataDir, "thnet");
    expect(reservations(store)).toEqual({ "10.44.0.2": "c1\r\neth0", "fd44::2": "c1\r\neth0", "10.44.0.3": "c2\r\neth0", "fd44::3": "c2\r\neth0" });
    expect(tempFiles(store)).toEqual([]);
    const del = traced("DEL", "c1", conf);
    expect(del.status).toBe(0);
    expect(del.syncs).toEqual([]);
    expect(Object.keys(reservations(store)).sort()).toEqual(["10.44.0.3", "fd44::3"]);
  });
});
