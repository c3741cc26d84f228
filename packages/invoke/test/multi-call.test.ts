// In-process delegation from a multi-call file: a delegate it holds runs in-process when
// CNI_PATH's file for the type is this same file (hard link, symlink, symlink to a symlink:
// one device and inode), or any file whose trailer says it runs, under that name, the same
// package and version (a copy); every other file is exec'd. The "multi-call file" here is a
// shell script that fails loudly when exec'd, ending in a multi-call trailer.
import { chmodSync, copyFileSync, linkSync, mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, afterEach, describe, expect, it } from "vitest";
import { netConfSchema } from "@tscni/types";
import type { Plugin } from "@tscni/skel";
import { identityLine, multiIdentityLine, type HeldPlugin } from "@tscni/state/identity";
import { embeddedFor, registerEmbedded, startDelegate } from "../src/index.js";

const root = mkdtempSync(join(tmpdir(), "ti-multi-"));
afterAll(() => rmSync(root, { recursive: true, force: true }));
const undo: Array<() => void> = [];
afterEach(() => {
  while (undo.length) undo.pop()!();
});

let n = 0;
const dir = () => {
  const d = join(root, `d${n++}`);
  mkdirSync(d);
  return d;
};

/** A file that answers 999 "<name> was exec'd" when run, with `trailer` at its end. */
function loud(path: string, trailer: string): string {
  writeFileSync(path, `#!/bin/sh\necho '{"cniVersion":"1.1.0","code":999,"msg":"exec'"'"'d"}'\nexit 1${trailer}`);
  chmodSync(path, 0o755);
  return path;
}

const HELD: HeldPlugin[] = [{ name: "main" }, { name: "ipam", identity: "@t/ipam@1.0.0" }];
const self = loud(join(root, "self-multi"), multiIdentityLine(HELD));

/** The delegate "ipam", registered as a multi-call file registers what it holds. */
function registerIpam(o: { identity?: string; file?: string } = { identity: "@t/ipam@1.0.0", file: self }) {
  const plugin: Plugin<typeof netConfSchema> = {
    config: netConfSchema,
    add: () => ({ cniVersion: "1.1.0", ips: [{ address: "10.7.0.2/24" }] }),
    del: () => {},
  };
  undo.push(registerEmbedded("ipam", { ...o, load: async () => plugin }));
}

const STDIN = '{"cniVersion":"1.1.0","name":"n","type":"main","ipam":{"type":"ipam"}}';
const claim = (cniPath: string) => {
  const h = startDelegate("ADD", "ipam", STDIN, { env: { PATH: process.env.PATH, CNI_PATH: cniPath, CNI_CONTAINERID: "c", CNI_IFNAME: "eth0", CNI_NETNS: "/x" } });
  return { inProcess: h.inProcess, answer: h.claim().then((r) => r.ips, (e: Error) => e.message) };
};

describe("a delegate held by this multi-call file", () => {
  it("runs in-process when CNI_PATH's file is this file: hard link, symlink, symlink to a symlink", async () => {
    registerIpam();
    const hard = dir();
    linkSync(self, join(hard, "ipam"));
    const sym = dir();
    symlinkSync(self, join(sym, "ipam"));
    const chain = dir();
    symlinkSync(join(sym, "ipam"), join(chain, "ipam"));
    for (const d of [hard, sym, chain]) {
      const c = claim(d);
      expect(c.inProcess).toBe(true);
      expect(await c.answer).toEqual([{ address: "10.7.0.2/24" }]);
    }
  });

  it("a copy runs in-process by its trailer; a copy of another version, or not holding the name, is exec'd", async () => {
    registerIpam();
    const copy = dir();
    copyFileSync(self, join(copy, "ipam"));
    expect(claim(copy).inProcess).toBe(true);
    const other = dir();
    loud(join(other, "ipam"), multiIdentityLine([{ name: "ipam", identity: "@t/ipam@2.0.0" }]));
    const c = claim(other);
    expect(c.inProcess).toBe(false);
    expect(await c.answer).toBe("exec'd");
    const lacking = dir();
    loud(join(lacking, "ipam"), multiIdentityLine([{ name: "main", identity: "@t/ipam@1.0.0" }]));
    expect(claim(lacking).inProcess).toBe(false);
  });

  it("the single-plugin build of the same package runs in-process; Go's plugin (no trailer) is exec'd", async () => {
    registerIpam();
    const single = dir();
    loud(join(single, "ipam"), identityLine("@t/ipam@1.0.0"));
    expect(claim(single).inProcess).toBe(true);
    const go = dir();
    loud(join(go, "ipam"), "\n");
    expect(claim(go).inProcess).toBe(false);
    expect(await claim(go).answer).toBe("exec'd");
  });

  it("same-file needs the file it was registered with; a package without a version matches by file only", () => {
    registerIpam({ file: self }); // no identity
    const sym = dir();
    symlinkSync(self, join(sym, "ipam"));
    expect(embeddedFor("ipam", join(sym, "ipam"))).toBeDefined();
    const copy = dir();
    copyFileSync(self, join(copy, "ipam"));
    expect(embeddedFor("ipam", join(copy, "ipam"))).toBeUndefined();
    undo.pop()!();
    // Registered without `file` (a single-plugin build's embed): a link to this file is just a file.
    registerIpam({ identity: "@t/ipam@1.0.0" });
    const noTrailer = loud(join(root, "plain-self"), "\n");
    const link = dir();
    symlinkSync(noTrailer, join(link, "ipam"));
    expect(embeddedFor("ipam", join(link, "ipam"))).toBeUndefined();
  });
});
