import { ErrorCode } from "@tscni/types";
import { afterEach, describe, expect, it } from "vitest";
import { spawn } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { execFileSync } from "node:child_process";
import { openNetns, getLink, runIn, sameNetns, CURRENT_NETNS, NetnsError, createVeth, execStats, resetExecStats } from "../src/index.js";
import { bindMount, cleanupAll, leftoverNetns, newNetns, onCleanup } from "./sandbox.js";

afterEach(() => {
  cleanupAll();
  expect(leftoverNetns()).toEqual([]);
});

async function expectNetnsError(p: Promise<unknown>, reason: "missing" | "not-netns") {
  const e = await p.then(() => undefined, (x: unknown) => x);
  expect(e).toBeInstanceOf(NetnsError);
  expect((e as NetnsError).reason).toBe(reason);
  expect((e as NetnsError).code).toBe(ErrorCode.InvalidNetNS);
}

describe("netns paths", () => {
  it("opens a named netns and uses ip -n for it", async () => {
    const t = newNetns();
    const ns = await openNetns(t.path);
    expect(ns.name).toBe(t.name);
    resetExecStats();
    expect((await getLink(ns, "lo"))?.name).toBe("lo");
    expect(execStats().byProgram).toEqual({ ip: 1 });
    const viaVar = await openNetns(`/var/run/netns/${t.name}`);
    expect(viaVar.name).toBe(t.name);
    expect(await sameNetns(ns, viaVar)).toBe(true);
    expect(await sameNetns(ns, CURRENT_NETNS)).toBe(false);
  });

  it("opens /proc/PID/ns/net of a process living in a netns", async () => {
    const t = newNetns();
    // a node process that says "ready" once it runs inside the netns (no sleeps, no races)
    const child = spawn("ip", ["netns", "exec", t.name, process.execPath, "-e", "console.log('ready'); setInterval(() => {}, 1e6)"], { stdio: ["ignore", "pipe", "ignore"] });
    onCleanup(() => child.kill("SIGKILL"));
    await new Promise<void>((resolve, reject) => {
      child.stdout!.on("data", (d: Buffer) => d.toString().includes("ready") && resolve());
      child.on("exit", () => reject(new Error("child exited")));
    });
    const ns = await openNetns(`/proc/${child.pid}/ns/net`);
    expect(ns.name).toBeUndefined();
    expect(await sameNetns(ns, await openNetns(t.path))).toBe(true);
    // a link created through the /proc path shows up in the named netns
    await createVeth(ns, { name: "tnv0", peerName: "tnv1", peerNetns: ns });
    expect(await getLink(await openNetns(t.path), "tnv1")).toBeDefined();
    const out = await runIn(ns, ["ip", "-o", "link", "show", "tnv0"]);
    expect(out.stdout).toContain("tnv0");
  });

  it("opens a bind mount of a netns file at another path", async () => {
    const t = newNetns();
    const dir = mkdtempSync(join(tmpdir(), "tn-bind-"));
    const file = join(dir, "netfile");
    writeFileSync(file, "");
    onCleanup(() => rmSync(dir, { recursive: true, force: true }));
    bindMount(t.path, file);
    const ns = await openNetns(file);
    expect(ns.name).toBeUndefined();
    expect(await sameNetns(ns, await openNetns(t.path))).toBe(true);
    await createVeth(ns, { name: "tnb0", peerName: "tnb1", peerNetns: ns, up: true });
    expect((await getLink(await openNetns(t.path), "tnb0"))?.up).toBe(true);
  });

  it("rejects a regular file, a non-net namespace, a relative path and a missing path", async () => {
    const dir = mkdtempSync(join(tmpdir(), "tn-file-"));
    onCleanup(() => rmSync(dir, { recursive: true, force: true }));
    writeFileSync(join(dir, "f"), "x");
    await expectNetnsError(openNetns(join(dir, "f")), "not-netns");
    await expectNetnsError(openNetns("/proc/self/ns/uts"), "not-netns");
    await expectNetnsError(openNetns("/proc/self/status"), "not-netns");
    await expectNetnsError(openNetns("run/netns/x"), "not-netns");
    await expectNetnsError(openNetns("/run/netns/tn-does-not-exist"), "missing");
    await expectNetnsError(openNetns(join(dir, "nope")), "missing");
  });

  it("reports a netns that vanished after open as missing", async () => {
    const t = newNetns();
    const ns = await openNetns(t.path);
    execFileSync("ip", ["netns", "del", t.name]);
    await expectNetnsError(getLink(ns, "lo"), "missing");
    await expectNetnsError(runIn({ path: t.path }, ["ip", "link"]), "missing");
  });

  it("reports a bind mount of a non-net namespace when used", async () => {
    const dir = mkdtempSync(join(tmpdir(), "tn-uts-"));
    const file = join(dir, "uts");
    writeFileSync(file, "");
    onCleanup(() => rmSync(dir, { recursive: true, force: true }));
    bindMount("/proc/self/ns/uts", file);
    const ns = await openNetns(file); // nsfs without a type we can read cheaply
    await expectNetnsError(runIn(ns, ["ip", "link"]), "not-netns");
  });
});
