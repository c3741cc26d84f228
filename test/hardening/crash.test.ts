import { spawn } from "node:child_process";
import { mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { exec, leftovers, withSandbox, type Sandbox } from "@tscni/testing";
import { makeBridgeWorld, resultIP, totalLeaks, type BridgeWorld, type Leaks } from "./lib/bridge-world.js";
import { writeSection } from "./lib/report.js";
import { crashSeed } from "./lib/run-seeds.js";
import { FULL, SIZES, TEST_TIMEOUT_MS, prefixFor } from "./lib/sizes.js";

// kill -9 at seeded points of ADD, DEL, INIT and GC, of bridge and (separately) of host-local,
// then the runtime's ordinary recovery (DEL + re-ADD, INIT again, GC again) must converge
// with nothing leaked. Kills go through wrappers in CNI_PATH (lib/kill-wrapper.ts), which draw
// each kill's delay from the seed (./seeds.ts CRASH_SEED, or THD_CRASH_SEED).

const PREFIX = prefixFor("cr");
const PHASES = ["ADD", "DEL", "INIT", "GC"] as const;
const TARGETS = { bridge: 90, "host-local": 20 } as const; // max kill delay (ms), about each one's run time

afterAll(() => {
  expect(leftovers(PREFIX)).toEqual({ netns: [], mounts: [], tmpDirs: [] });
});

const att = (w: BridgeWorld, c: { path: string }, id: string) => ({ network: w.name, containerId: id, ifName: "eth0", netns: c.path });
const swallow = async (p: Promise<unknown>): Promise<unknown> => p.then(() => undefined, (e: unknown) => e);

async function containerHas(sb: Sandbox, ns: string, ip: string): Promise<boolean> {
  const r = await exec(["ip", "-n", ns, "-o", "addr", "show", "dev", "eth0"]);
  return r.stdout.includes(` ${ip}/`);
}

const adopted = { n: 0 };
const readBridgeRecord = (w: BridgeWorld): { created: boolean } | undefined => {
  try {
    return JSON.parse(readFileSync(join(w.stateDir, "bridges", `${w.bridge}.json`), "utf8"));
  } catch {
    return undefined;
  }
};

/** One round: a fault in `phase` of `target`, then recovery, then no attachment state anywhere. */
async function round(sb: Sandbox, w: BridgeWorld, phase: (typeof PHASES)[number], target: keyof typeof TARGETS, i: number): Promise<Leaks> {
  const [c0, c1] = [sb.containers[0]!, sb.containers[1]!];
  const a0 = att(w, c0, `crash-${i}-a`);
  const a1 = att(w, c1, `crash-${i}-b`);
  const arm = () => w.kill.set(target, 1000, TARGETS[target], crashSeed());
  const disarm = () => w.kill.set(target, 0, 0);
  try {
    if (phase === "ADD") {
      arm();
      await swallow(w.rt.add(a0));
      disarm();
      await w.rt.del(a0);
    } else if (phase === "DEL") {
      await w.rt.add(a0);
      arm();
      await swallow(w.rt.del(a0));
      disarm();
      await w.rt.del(a0);
    } else if (phase === "INIT") {
      await w.rt.deinit(w.name);
      const existed = (await exec(["ip", "-n", sb.host.name, "link", "show", w.bridge])).exitCode === 0;
      arm();
      await swallow(w.rt.init(w.name));
      disarm();
      await w.rt.init(w.name);
      // Known bridge bug (README "Findings"): killed between creating the bridge and recording
      // it, the next INIT adopts it as pre-existing and DEINIT will keep it. Counted, not failed.
      if (!existed && readBridgeRecord(w)?.created === false) adopted.n++;
    } else {
      await w.rt.add(a0);
      await w.rt.add(a1);
      arm();
      await swallow(w.rt.gc(w.name, [{ containerID: a0.containerId, ifname: "eth0" }]));
      disarm();
      const again = await w.rt.gc(w.name, [{ containerID: a0.containerId, ifname: "eth0" }]);
      expect(again.errors, "second GC converges").toEqual([]);
      expect(w.rt.attachments({ network: w.name }).map((a) => a.containerId)).toEqual([a0.containerId]);
      await w.rt.del(a0);
    }
  } finally {
    disarm();
  }
  // The network still works: a fresh ADD gets an address into the container, DEL takes it away.
  const r = await w.rt.add(a0);
  const ip = resultIP(r);
  expect(ip, "re-ADD returns an address").toBeDefined();
  expect(await containerHas(sb, c0.name, ip!), `container has ${ip}`).toBe(true);
  await w.rt.del(a0);
  return w.leaks();
}

describe("crash injection", () => {
  it("the leak accounting sees a planted reservation, veth, container link, per-container rule and held lock", async () => {
    await withSandbox({ prefix: PREFIX, containers: 2 }, async (sb) => {
      const w = makeBridgeWorld(sb, { name: "thdplant", bridge: "thdpl0", subnet: "10.79.0.0/24" });
      expect(await w.leaks()).toEqual({ reservations: [], veths: [], containerLinks: [], perContainerRules: [], cachedAttachments: [], heldLocks: [] });
      mkdirSync(join(w.dataDir, w.name), { recursive: true });
      writeFileSync(join(w.dataDir, w.name, "10.79.0.9"), "cid\r\neth0");
      await sb.run(sb.host, ["ip", "link", "add", "vethdeadbeef", "type", "veth", "peer", "name", "eth0", "netns", sb.container.name]);
      await sb.run(sb.host, ["nft", "add", "table", "inet", "cni_plugins_masquerade"]);
      mkdirSync(join(w.stateDir, "locks"), { recursive: true });
      const lockFile = join(w.stateDir, "locks", "x.lock");
      writeFileSync(lockFile, "");
      const holder = spawn("flock", ["-x", lockFile, "sleep", "30"], { stdio: "ignore" });
      try {
        await new Promise((r) => setTimeout(r, 200));
        const l = await w.leaks();
        expect(l.reservations).toEqual(["10.79.0.9"]);
        expect(l.veths).toEqual(["vethdeadbeef@if2"]);
        expect(l.containerLinks).toEqual([`${sb.container.name}/eth0`]);
        expect(l.perContainerRules.length).toBeGreaterThan(0);
        expect(l.heldLocks).toEqual([lockFile]);
      } finally {
        holder.kill("SIGKILL");
      }
    });
  });


  it(
    `kill -9 of bridge and of host-local during ADD, DEL, INIT, GC (${SIZES.crashRounds} rounds each) converges with nothing leaked`,
    async () => {
      await withSandbox({ prefix: PREFIX, containers: 2 }, async (sb) => {
        const w = makeBridgeWorld(sb, { name: "thdcrash", bridge: "thdcr0", subnet: "10.78.0.0/24" });
        const perCombo: Record<string, number> = {};
        let rounds = 0;
        const leaky: Array<{ combo: string; leaks: Leaks }> = [];
        try {
          await w.rt.init(w.name);
          for (let i = 0; i < SIZES.crashRounds; i++) {
            for (const phase of PHASES) {
              for (const target of Object.keys(TARGETS) as Array<keyof typeof TARGETS>) {
                const before = w.kill.kills().length;
                const leaks = await round(sb, w, phase, target, rounds++);
                const combo = `${phase}/${target}`;
                perCombo[combo] = (perCombo[combo] ?? 0) + w.kill.kills().length - before;
                if (totalLeaks(leaks) > 0) leaky.push({ combo, leaks });
              }
            }
          }
          const end = await w.leaks();
          const faults = w.kill.kills().length;
          writeSection({
            section: "crash-injection",
            cases: rounds,
            faults,
            leaks: leaky.length + totalLeaks(end),
            details: { seed: crashSeed(), killsPerPhaseAndTarget: perCombo, bridgeAdoptedAfterKilledInit: adopted.n },
          });
          expect(leaky).toEqual([]);
          expect(end).toEqual({ reservations: [], veths: [], containerLinks: [], perContainerRules: [], cachedAttachments: [], heldLocks: [] });
          // Kills really land inside the runs (a kill after the plugin exited counts for nothing);
          // in the full size every combination gets some.
          expect(faults).toBeGreaterThanOrEqual(rounds / 4);
          if (FULL) for (const [combo, n] of Object.entries(perCombo)) expect(n, combo).toBeGreaterThan(0);
        } finally {
          await swallow(w.rt.removeNetwork(w.name));
        }
        // DEINIT after all that leaves no firewall rule and no bridge: INIT records its
        // claim before it creates the bridge, so no kill can turn ours into an adopted one.
        const nft = await exec(["ip", "netns", "exec", sb.host.name, "nft", "list", "ruleset"]);
        expect(nft.stdout.trim()).toBe("");
        const bridge = await exec(["ip", "-n", sb.host.name, "link", "show", "dev", w.bridge]);
        expect(bridge.exitCode, `bridge ${w.bridge} left after DEINIT`).not.toBe(0);
      });
    },
    TEST_TIMEOUT_MS,
  );
});
