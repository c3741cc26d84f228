// The bridge delegating to an IPAM plugin that is not ours: Go's host-local (v1.1.1, which
// predates CNI 1.1 and INIT), seen through a wrapper that records every call and writes to
// stderr. Lifecycle verbs follow the invocation package's rules; the delegate's stderr
// reaches ours.
import { chmodSync, existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { createSandbox, type Sandbox } from "@tscni/testing";
import { call, conf, ports } from "./helpers.js";

let sb: Sandbox;
beforeEach(async () => (sb = await createSandbox({ prefix: "tbg-" })));
afterEach(async () => sb?.cleanup());

/** A CNI_PATH dir with `host-local` = a wrapper around Go's, logging each verb. */
function goIpamDir(): { path: string; verbs: () => string[] } {
  const dir = join(sb.tmpDir, "bin");
  mkdirSync(dir);
  const log = join(sb.tmpDir, "ipam-calls");
  const file = join(dir, "host-local");
  writeFileSync(file, `#!/bin/sh\necho "$CNI_COMMAND" >> "${log}"\necho "go-ipam-wrapper saw $CNI_COMMAND" >&2\nexec /usr/lib/cni/host-local\n`);
  chmodSync(file, 0o755);
  return { path: dir, verbs: () => (existsSync(log) ? readFileSync(log, "utf8").trim().split("\n") : []) };
}

const reservations = () => {
  const d = join(sb.tmpDir, "ipam", "tbrnet");
  return existsSync(d) ? readdirSync(d).filter((f) => /^\d/.test(f)) : [];
};

describe("bridge with Go's host-local", () => {
  it("INIT and DEINIT: Go's 'missing containerID' (code 3, no 1.1.0 in its VERSION) counts as not needed", async () => {
    const ipam = goIpamDir();
    const c = conf(sb, { cniVersion: "1.0.0" });
    const init = await call(sb, "INIT", c, { path: ipam.path });
    expect(init.exitCode, init.stdout).toBe(0);
    expect(ipam.verbs()).toEqual(["INIT", "VERSION"]);
    const add = await call(sb, "ADD", c, { path: ipam.path });
    expect(add.exitCode, add.stdout).toBe(0);
    expect(reservations()).toEqual(["10.88.0.2"]);
    const del = await call(sb, "DEL", c, { path: ipam.path });
    expect(del.exitCode, del.stdout).toBe(0);
    const deinit = await call(sb, "DEINIT", c, { path: ipam.path });
    expect(deinit.exitCode, deinit.stdout).toBe(0);
    expect(ipam.verbs()).toEqual(["INIT", "VERSION", "ADD", "DEL", "DEINIT", "VERSION"]);
  });

  it("GC and STATUS are not sent to a delegate without CNI 1.1; the bridge still does its own part", async () => {
    const ipam = goIpamDir();
    const c = conf(sb, { cniVersion: "1.0.0" });
    expect((await call(sb, "ADD", c, { path: ipam.path, containerId: "stale" })).exitCode).toBe(0);
    expect(await ports(sb)).toHaveLength(1);
    const c11 = { ...c, cniVersion: "1.1.0" };
    const gc = await call(sb, "GC", { ...c11, "cni.dev/valid-attachments": [] }, { path: ipam.path });
    expect(gc.exitCode, gc.stdout).toBe(0);
    expect(await ports(sb)).toHaveLength(0); // the bridge's own GC ran
    const status = await call(sb, "STATUS", c11, { path: ipam.path });
    expect(status.exitCode, status.stdout).toBe(0);
    expect(ipam.verbs()).toEqual(["ADD", "VERSION", "VERSION"]); // asked what it speaks, never sent GC or STATUS
    expect(reservations()).toEqual(["10.88.0.2"]); // Go's reservation goes by DEL (or the runtime's stale DEL)
  });

  it("the delegate's stderr is forwarded to the bridge's stderr", async () => {
    const ipam = goIpamDir();
    const r = await call(sb, "ADD", conf(sb), { path: ipam.path });
    expect(r.exitCode, r.stdout).toBe(1); // Go's host-local refuses a 1.1.0 config...
    expect(r.stderr).toContain("go-ipam-wrapper saw ADD"); // ...and what it said on stderr is not lost
    const ok = await call(sb, "ADD", conf(sb, { cniVersion: "1.0.0" }), { path: ipam.path, containerId: "c2" });
    expect(ok.exitCode, ok.stdout).toBe(0);
    expect(ok.stderr).toContain("go-ipam-wrapper saw ADD");
  });
});
