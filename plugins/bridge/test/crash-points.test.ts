import { spawnSync } from "node:child_process";
import { existsSync, readFileSync, readdirSync } from "node:fs";
import { join } from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { createSandbox, type Sandbox } from "@tscni/testing";
import { CNI_PATH, OUR_BIN, call, conf, hasLink, nftRuleset } from "./helpers.js";

let sb: Sandbox;
beforeEach(async () => (sb = await createSandbox({ prefix: "tbr-" })));
afterEach(async () => sb?.cleanup());

/**
 * INIT under strace, SIGKILLed as it is about to start its `k`-th child process (Bun
 * starts children with vfork; its threads use clone3). Returns how many vforks a run
 * made when `k` is 0 (trace only, no kill).
 */
function initKilledAt(c: object, k: number): number {
  const trace = join(sb.tmpDir, `trace-${k}`);
  const inject = k > 0 ? ["-e", `inject=vfork:signal=KILL:when=${k}`] : [];
  spawnSync("ip", ["netns", "exec", sb.host.name, "strace", "-o", trace, "-e", "trace=vfork", ...inject, OUR_BIN], {
    env: { PATH: process.env.PATH, CNI_COMMAND: "INIT", CNI_PATH },
    input: JSON.stringify(c),
  });
  return readFileSync(trace, "utf8").split("\n").filter((l) => l.startsWith("vfork()")).length;
}

const records = (kind: string) => (existsSync(join(sb.tmpDir, "state", kind)) ? readdirSync(join(sb.tmpDir, "state", kind)) : []);

describe("kill -9 of INIT at every child-process boundary", () => {
  it("INIT again + DEINIT always converge: no bridge, no masquerade table, no records", async () => {
    const c = conf(sb, { ipMasq: true, ipMasqBackend: "nftables" });
    const spawns = initKilledAt(c, 0);
    // The masquerade's nft (the bridge, its addresses and the sysctls are in-process netlink
    // and file writes in this build, and the state lock, free here, is flock(2) through
    // bun:ffi); the kill below lands as it starts, after the bridge was made.
    expect(spawns).toBeGreaterThanOrEqual(1);
    expect((await call(sb, "DEINIT", c)).exitCode).toBe(0);
    expect(await hasLink(sb, sb.host, "tbr0")).toBe(false);

    let bridgeLeftByKill = 0;
    for (let k = 1; k <= spawns; k++) {
      initKilledAt(c, k);
      if (await hasLink(sb, sb.host, "tbr0")) bridgeLeftByKill++;
      const init = await call(sb, "INIT", c);
      expect({ k, code: init.exitCode, out: init.stdout }).toEqual({ k, code: 0, out: "" });
      const deinit = await call(sb, "DEINIT", c);
      expect({ k, code: deinit.exitCode }).toEqual({ k, code: 0 });
      expect({ k, bridge: await hasLink(sb, sb.host, "tbr0") }).toEqual({ k, bridge: false });
      expect({ k, nft: (await nftRuleset(sb)).includes("10.88.0.0/24") }).toEqual({ k, nft: false });
      expect({ k, networks: records("networks"), bridges: records("bridges") }).toEqual({ k, networks: [], bridges: [] });
    }
    // The kills did land after the bridge was made, the window this test is about.
    expect(bridgeLeftByKill).toBeGreaterThan(0);
  });
});
