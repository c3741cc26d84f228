// The standalone build writes a container's sysctls with its own thread switched into the
// container netns (thread-netns.ts, bun:ffi). Vitest runs under Node, which has no setns:
// these run a script under bun, the runtime of the standalone build, inside a test netns.
import { execFileSync } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { afterAll, afterEach, describe, expect, it } from "vitest";
import { bunPath } from "../../build/src/bun-path.js";
import { cleanupAll, leftoverNetns, newNetns } from "./sandbox.js";

const dir = mkdtempSync(join(tmpdir(), "tn-thread-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
afterEach(() => {
  cleanupAll();
  expect(leftoverNetns()).toEqual([]);
});

const SYSCTL = resolve(import.meta.dirname, "../src/sysctl.ts");
const THREAD = resolve(import.meta.dirname, "../src/thread-netns.ts");

/** Run `body` (top-level await allowed) under bun in netns `host`; its stdout as JSON. */
function underBun(host: string, body: string): any {
  const script = join(dir, `s-${Math.random().toString(36).slice(2)}.ts`);
  writeFileSync(script, `import { setSysctls } from ${JSON.stringify(SYSCTL)};\nimport { threadNetns } from ${JSON.stringify(THREAD)};\nimport { readFileSync } from "node:fs";\nimport { spawnSync } from "node:child_process";\n${body}\n`);
  return JSON.parse(execFileSync("ip", ["netns", "exec", host, bunPath(), script], { encoding: "utf8" }));
}

const sysctl = (ns: string, key: string) => execFileSync("ip", ["netns", "exec", ns, "sysctl", "-n", key], { encoding: "utf8" }).trim();

describe("setSysctls in another netns under bun (no exec)", () => {
  it("writes there, leaves the caller's netns alone, and later execs start back home", async () => {
    const host = newNetns();
    const cont = newNetns();
    const out = underBun(
      host.name,
      `const available = (await threadNetns()) !== undefined;
await setSysctls({ path: ${JSON.stringify(cont.path)} }, { "net/ipv4/conf/lo/arp_notify": "1", "net/ipv4/conf/nodev/arp_notify": "1" }, { ignoreMissing: true });
const own = readFileSync("/proc/sys/net/ipv4/conf/lo/arp_notify", "utf8").trim();
const exec = spawnSync("readlink", ["/proc/self/ns/net"], { encoding: "utf8" }).stdout.trim();
console.log(JSON.stringify({ available, own, exec }));`,
    );
    expect(out.available).toBe(true);
    expect(sysctl(cont.name, "net.ipv4.conf.lo.arp_notify")).toBe("1");
    expect(out.own).toBe("0");
    expect(sysctl(host.name, "net.ipv4.conf.lo.arp_notify")).toBe("0");
    // A child spawned afterwards is in the host netns, not the container's.
    const hostId = execFileSync("ip", ["netns", "exec", host.name, "readlink", "/proc/self/ns/net"], { encoding: "utf8" }).trim();
    expect(out.exec).toBe(hostId);
  });

  it("a missing key fails without ignoreMissing, a missing netns is NetnsError 'missing'", async () => {
    const host = newNetns();
    const cont = newNetns();
    const out = underBun(
      host.name,
      `const r = [];
for (const [path, keys] of [[${JSON.stringify(cont.path)}, { "net/ipv4/conf/nodev/arp_notify": "1" }], ["/run/netns/tn-does-not-exist", { "net/ipv4/conf/lo/arp_notify": "1" }]]) {
  try { await setSysctls({ path }, keys); r.push("ok"); } catch (e) { r.push({ code: e.code, reason: e.reason ?? null, msg: e.message }); }
}
console.log(JSON.stringify(r));`,
    );
    expect(out[0].code).toBe(5); // IoFailure, as the exec path's
    expect(out[0].msg).toContain("nodev");
    expect(out[1]).toMatchObject({ code: 8, reason: "missing" });
  });
});
