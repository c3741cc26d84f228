// The standalone build writes a container's sysctls with its own thread switched into the
// container netns (thread-netns.ts, bun:ffi). Vitest runs under Node, which has no setns:
// these run a script under bun, the runtime of the standalone build, inside a test netns.
import { execFileSync } from "node:child_process";
import { resolve } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { cleanupAll, leftoverNetns, newNetns } from "./sandbox.js";
import { underBun as runUnderBun } from "./under-bun.js";

afterEach(() => {
  cleanupAll();
  expect(leftoverNetns()).toEqual([]);
});

const SYSCTL = resolve(import.meta.dirname, "../src/sysctl.ts");
const THREAD = resolve(import.meta.dirname, "../src/thread-netns.ts");

const IMPORTS = `import { setSysctls } from ${JSON.stringify(SYSCTL)};
import { threadNetns } from ${JSON.stringify(THREAD)};
import { readFileSync } from "node:fs";
import { spawnSync } from "node:child_process";`;
const underBun = (host: string, body: string) => runUnderBun(host, IMPORTS, body);

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
