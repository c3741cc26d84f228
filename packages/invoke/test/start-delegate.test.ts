// The delegate handle: started at once (exec) or on claim (in-process), claimed by the
// handler, released (DEL) when the call fails before or after the claim.
import { existsSync, readFileSync, writeFileSync, chmodSync } from "node:fs";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { netConfSchema } from "@tscni/types";
import type { Plugin } from "@tscni/skel";
import { identityLine } from "@tscni/state/identity";
import { registerEmbedded, startDelegate } from "../src/index.js";
import { fakePluginDir } from "./fake-plugins.js";

const cleanups: Array<() => void> = [];
afterEach(() => {
  while (cleanups.length) cleanups.pop()!();
});
function dir(scripts: Record<string, string>): string {
  const p = fakePluginDir(scripts);
  cleanups.push(p.remove);
  return p.dir;
}

const STDIN = '{"cniVersion":"1.1.0","name":"n","type":"main","ipam":{"type":"ipam"}}';
const RESULT = '{"cniVersion":"1.1.0","ips":[{"address":"10.1.0.5/24"}]}';
const env = (path: string) => ({ PATH: process.env.PATH, CNI_PATH: path, CNI_CONTAINERID: "c1", CNI_IFNAME: "eth0", CNI_NETNS: "/x" });

/** A delegate script that logs "VERB stdin" to a file and answers ADD with RESULT (or fails with `fail`). */
function loggingDelegate(fail = false): { path: string; calls: () => string[] } {
  const d = dir({});
  const log = join(d, "calls");
  const file = join(d, "ipam");
  writeFileSync(file, `#!/bin/sh\necho "$CNI_COMMAND $(cat)" >> ${log}\n${fail ? `echo '{"cniVersion":"1.1.0","code":11,"msg":"pool busy"}'; exit 1` : `[ "$CNI_COMMAND" = ADD ] && echo '${RESULT}'`}\nexit 0\n`);
  chmodSync(file, 0o755);
  return { path: d, calls: () => (existsSync(log) ? readFileSync(log, "utf8").trim().split("\n") : []) };
}

const waitFor = async (cond: () => boolean, ms = 5000) => {
  for (const t0 = Date.now(); !cond(); ) {
    if (Date.now() - t0 > ms) throw new Error("timed out waiting");
    await new Promise((r) => setTimeout(r, 10));
  }
};

describe("startDelegate, exec'd", () => {
  it("starts the exec at once; claim() gives its answer", async () => {
    const d = loggingDelegate();
    const h = startDelegate("ADD", "ipam", STDIN, { env: env(d.path) });
    expect(h).toMatchObject({ command: "ADD", type: "ipam", path: join(d.path, "ipam"), inProcess: false, claimed: false });
    await waitFor(() => d.calls().length === 1); // ran without being claimed
    expect(await h.claim()).toEqual(JSON.parse(RESULT));
    expect(h.claimed).toBe(true);
    expect(d.calls()).toEqual([`ADD ${STDIN}`]);
  });

  it("release() after a successful ADD sends DEL with the same stdin, once; claimed or not", async () => {
    for (const claim of [true, false]) {
      const d = loggingDelegate();
      const h = startDelegate("ADD", "ipam", STDIN, { env: env(d.path) });
      if (claim) await h.claim();
      await Promise.all([h.release(), h.release()]);
      await h.release();
      expect(d.calls()).toEqual([`ADD ${STDIN}`, `DEL ${STDIN}`]);
    }
  });

  it("release() after a failed ADD sends nothing (it reserved nothing); claim() gives the delegate's error", async () => {
    const d = loggingDelegate(true);
    const h = startDelegate("ADD", "ipam", STDIN, { env: env(d.path) });
    await expect(h.claim()).rejects.toMatchObject({ code: 11, message: "pool busy" });
    await h.release();
    expect(d.calls()).toEqual([`ADD ${STDIN}`]);
  });

  it("release() is only for ADD", async () => {
    const d = loggingDelegate();
    const h = startDelegate("CHECK", "ipam", STDIN, { env: env(d.path) });
    await h.claim();
    await h.release();
    expect(d.calls()).toEqual([`CHECK ${STDIN}`]);
  });

  it("an ADD that prints no result: code 6 from claim()", async () => {
    const d = dir({ quiet: "exit 0" });
    await expect(startDelegate("ADD", "quiet", STDIN, { env: env(d) }).claim()).rejects.toMatchObject({ code: 6 });
    expect(await startDelegate("DEL", "quiet", STDIN, { env: env(d) }).claim()).toBeUndefined();
  });

  it("a delegate past the timeout is killed: code 11 from claim(), and release() sends no DEL", async () => {
    const d = dir({});
    const pidFile = join(d, "pid");
    const log = join(d, "calls");
    writeFileSync(join(d, "hang"), `#!/bin/sh\necho "$CNI_COMMAND" >> ${log}\n[ "$CNI_COMMAND" = ADD ] || exit 0\necho $$ > ${pidFile}\nexec sleep 30\n`);
    chmodSync(join(d, "hang"), 0o755);
    const h = startDelegate("ADD", "hang", STDIN, { env: env(d), timeoutMs: 200 });
    await expect(h.claim()).rejects.toMatchObject({ code: 11, message: expect.stringContaining("timed out") });
    expect(() => process.kill(Number(readFileSync(pidFile, "utf8")), 0)).toThrow();
    await h.release();
    expect(readFileSync(log, "utf8").trim().split("\n")).toEqual(["ADD"]);
  });

  it("CNI_PATH missing or empty: nothing runs, claim() answers code 4 naming CNI_PATH, release() does nothing", async () => {
    for (const path of [undefined, "", ":"]) {
      const e = { PATH: process.env.PATH, ...(path === undefined ? {} : { CNI_PATH: path }) };
      const h = startDelegate("ADD", "ipam", STDIN, { env: e });
      expect(h.path).toBeUndefined();
      await expect(h.claim()).rejects.toMatchObject({ code: 4, message: 'CNI_PATH is required to find delegate plugin "ipam" and is missing or empty' });
      await expect(h.release()).resolves.toBeUndefined();
    }
  });

  it("a delegate not in CNI_PATH: code 50 naming the directories, from claim() (start never throws)", async () => {
    const d = dir({});
    const h = startDelegate("ADD", "nope", STDIN, { env: env(`${d}:/nowhere`) });
    await expect(h.claim()).rejects.toMatchObject({ code: 50, message: `failed to find plugin "nope" in path [${d} /nowhere]` });
  });
});

describe("startDelegate, embedded in-process", () => {
  /** A plugin that records what it ran, registered as the bundled "emb" of identity @t/emb@1.0.0. */
  function embedded() {
    const seen: Array<{ command: string; stdin: string; containerId: string; marker: string | undefined }> = [];
    const plugin: Plugin<typeof netConfSchema> = {
      config: netConfSchema,
      add: (ctx) => {
        seen.push({ command: "ADD", stdin: ctx.stdin.toString(), containerId: ctx.containerId, marker: ctx.env.MARKER });
        return { cniVersion: "1.1.0", ips: [{ address: "10.9.0.2/24" }] };
      },
      del: (ctx) => void seen.push({ command: "DEL", stdin: ctx.stdin.toString(), containerId: ctx.containerId, marker: ctx.env.MARKER }),
    };
    let loads = 0;
    cleanups.push(registerEmbedded("emb", { identity: "@t/emb@1.0.0", load: async () => (loads++, plugin) }));
    return { seen, loads: () => loads };
  }
  /** A CNI_PATH dir whose `emb` fails loudly when exec'd and ends with `identity`'s trailer. */
  const embDir = (identity: string) => {
    const d = dir({});
    writeFileSync(join(d, "emb"), `#!/bin/sh\necho '{"cniVersion":"1.1.0","code":999,"msg":"emb was exec'"'"'d"}'\nexit 1${identityLine(identity)}`);
    chmodSync(join(d, "emb"), 0o755);
    return d;
  };

  it("the same build runs in-process, when claimed, with the caller's env and stdin", async () => {
    const e = embedded();
    const stdin = STDIN.replace('"ipam"}', '"emb"}');
    const h = startDelegate("ADD", "emb", stdin, { env: { ...env(embDir("@t/emb@1.0.0")), MARKER: "m1" } });
    expect(h.inProcess).toBe(true);
    await new Promise((r) => setTimeout(r, 20));
    expect(e.loads()).toBe(0); // not before claim(): it would hold the caller's thread
    expect(await h.claim()).toEqual({ cniVersion: "1.1.0", ips: [{ address: "10.9.0.2/24" }] });
    expect(e.seen).toEqual([{ command: "ADD", stdin, containerId: "c1", marker: "m1" }]);
    await h.release();
    expect(e.seen.map((s) => s.command)).toEqual(["ADD", "DEL"]);
  });

  it("unclaimed, it never ran: release() does nothing", async () => {
    const e = embedded();
    const h = startDelegate("ADD", "emb", STDIN, { env: env(embDir("@t/emb@1.0.0")) });
    await h.release();
    expect(e.seen).toEqual([]);
    expect(e.loads()).toBe(0);
  });

  it("another version's file, or one without a trailer, is exec'd", async () => {
    const e = embedded();
    const other = startDelegate("ADD", "emb", STDIN, { env: env(embDir("@t/emb@2.0.0")) });
    expect(other.inProcess).toBe(false);
    await expect(other.claim()).rejects.toMatchObject({ code: 999, message: "emb was exec'd" });
    const plain = dir({ emb: `echo '${RESULT}'` });
    expect(await startDelegate("ADD", "emb", STDIN, { env: env(plain) }).claim()).toEqual(JSON.parse(RESULT));
    expect(e.seen).toEqual([]);
  });

  it("nothing registered for the type: exec'd, whatever the trailer says", async () => {
    const h = startDelegate("ADD", "emb", STDIN, { env: env(embDir("@t/emb@1.0.0")) });
    expect(h.inProcess).toBe(false);
    await expect(h.claim()).rejects.toMatchObject({ message: "emb was exec'd" });
  });
});
