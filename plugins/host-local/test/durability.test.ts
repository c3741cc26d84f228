// Which fsyncs an exec does, observed with strace on the built executable: the claims of
// README "Concurrency and crash safety" (2 per ADD, none for DEL or the index) are checked here.
import { describe, expect, it } from "vitest";
import { spawnSync } from "node:child_process";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { fileSandbox, OUR_HOST_LOCAL as bin, cniEnv, netConf, reservations, tempFiles } from "./helpers.js";

// strace is not in .ci/setup.sh's package list: without it this file is skipped, not failed.
const hasStrace = spawnSync("strace", ["-V"]).status === 0;

const box = fileSandbox(() => hasStrace);

/** Runs one verb under strace, inside the sandbox's host netns; returns the fsync-family calls with the path of their fd. */
async function traced(command: string, id: string, conf: object): Promise<{ status: number | null; syncs: string[] }> {
  const log = join(box.work, `strace-${command}-${id}.log`);
  const env = { PATH: process.env.PATH ?? "/usr/bin:/bin", ...cniEnv({ command, containerId: id, ifname: "eth0", netns: box.sb.container.path }) };
  const argv = ["strace", "-f", "-y", "-qq", "-e", "trace=fsync,fdatasync,sync_file_range,syncfs,sync", "-o", log, bin];
  const r = await box.sb.run(box.sb.host, argv, { env, stdin: JSON.stringify(conf), check: false });
  const syncs = readFileSync(log, "utf8").split("\n").filter((l) => /\b(fsync|fdatasync|sync_file_range|syncfs|sync)\(/.test(l));
  return { status: r.exitCode, syncs };
}

describe.skipIf(!hasStrace)("fsyncs per exec (strace)", () => {
  it("ADD: the reservation content (the marker it links) and the store directory; nothing for the index", async () => {
    const dataDir = join(box.work, "d1");
    const conf = netConf(dataDir, { ranges: [[{ subnet: "10.44.0.0/24" }], [{ subnet: "fd44::/64" }]] });
    // The first ADD also builds the index base; the second uses it.
    for (const id of ["c1", "c2"]) {
      const { status, syncs } = await traced("ADD", id, conf);
      expect(status).toBe(0);
      expect(syncs).toHaveLength(2);
      expect(syncs[0]).toMatch(/fsync\(\d+<[^>]*\/thnet\/\.tscni-index\/t-[0-9a-f]{16}>\)/);
      expect(syncs[1]).toMatch(/fsync\(\d+<[^>]*\/thnet>\)/);
    }
    const store = join(dataDir, "thnet");
    expect(reservations(store)).toEqual({ "10.44.0.2": "c1\r\neth0", "fd44::2": "c1\r\neth0", "10.44.0.3": "c2\r\neth0", "fd44::3": "c2\r\neth0" });
    expect(tempFiles(store)).toEqual([]);
    const del = await traced("DEL", "c1", conf);
    expect(del.status).toBe(0);
    expect(del.syncs).toEqual([]);
    expect(Object.keys(reservations(store)).sort()).toEqual(["10.44.0.3", "fd44::3"]);
  });
});
