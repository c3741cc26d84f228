import { afterAll, describe, expect, it } from "vitest";
import { exec, leftovers, withSandbox } from "@tscni/testing";
import { makeBridgeWorld, resultIP, totalLeaks } from "./lib/bridge-world.js";
import { sample, type Sample } from "./lib/process-sample.js";
import { writeSection } from "./lib/report.js";
import { soakSeed } from "./lib/run-seeds.js";
import { drawBelow } from "./lib/seeded.js";
import { FULL, SIZES, TEST_TIMEOUT_MS, prefixFor } from "./lib/sizes.js";

// Churn: ADD/DEL cycles through @tscni/runtime at 16-way concurrency over one bridge network,
// with kill -9 of bridge and host-local mixed in. Checked while running: no address is ever
// handed to two live attachments. At the end: nothing left, memory and fds flat. Which execs
// are killed, after how long, and how long each attachment is held follow from the seed
// (./seeds.ts SOAK_SEED, or THD_SOAK_SEED), per cycle, whichever worker runs it.

const PREFIX = prefixFor("sk");

afterAll(() => {
  expect(leftovers(PREFIX)).toEqual({ netns: [], mounts: [], tmpDirs: [] });
});

describe("churn soak", () => {
  it(
    `${SIZES.churnCycles} ADD/DEL cycles, ${SIZES.churnConcurrency}-way, seeded kills: no duplicate IP, nothing leaked, memory and fds flat`,
    async () => {
      const n = SIZES.churnConcurrency;
      await withSandbox({ prefix: PREFIX, containers: n }, async (sb) => {
        const w = makeBridgeWorld(sb, { name: "thdsoak", bridge: "thdsk0", subnet: "10.80.0.0/27" }); // small: addresses are reused all the time, so a double hand-out would show
        const live = new Map<string, string>(); // ip -> containerId holding it
        const duplicates: string[] = [];
        const samples: Sample[] = [];
        let next = 0;
        let added = 0;
        let addFailed = 0;
        let delRetries = 0;
        const stuck: string[] = [];
        const missing: string[] = [];
        const warmup = Math.max(n * 2, Math.floor(SIZES.churnCycles / 10));
        const every = Math.max(1, Math.floor(SIZES.churnCycles / 20));
        try {
          await w.rt.init(w.name);
          const perMille = SIZES.churnCrashRate * 1000;
          const seed = soakSeed();
          w.kill.set("bridge", perMille, 90, seed);
          w.kill.set("host-local", perMille, 20, seed);

          let limit = 0;
          const worker = async (slot: number): Promise<void> => {
            const ns = sb.containers[slot]!;
            for (;;) {
              if (next >= limit) return;
              const cycle = next++;
              if (cycle > warmup && cycle % every === 0) samples.push(sample(cycle));
              const req = { network: w.name, containerId: `soak-${cycle}`, ifName: "eth0", netns: ns.path };
              let ip: string | undefined;
              try {
                ip = resultIP(await w.rt.add(req));
                added++;
              } catch {
                addFailed++;
              }
              if (ip !== undefined) {
                const holder = live.get(ip);
                if (holder !== undefined) duplicates.push(`${ip}: ${holder} and ${req.containerId}`);
                live.set(ip, req.containerId);
                // Hold the attachment a moment (other workers ADD meanwhile) and check it is real.
                const r = await exec(["ip", "-n", ns.name, "-o", "addr", "show", "dev", "eth0"]);
                if (!r.stdout.includes(` ${ip}/`)) missing.push(`${req.containerId} ${ip}`);
                await new Promise((res) => setTimeout(res, drawBelow(21, seed, "hold", cycle)));
                // Out of the live set before DEL starts: once IPAM released it, another ADD may take it.
                live.delete(ip);
              }
              // DEL until it succeeds: a killed DEL is retried, as a runtime does.
              for (let t = 0; ; t++) {
                try {
                  await w.rt.del(req);
                  break;
                } catch {
                  delRetries++;
                  if (t >= 30) {
                    stuck.push(req.containerId);
                    break;
                  }
                }
              }
            }
          };
          const runUntil = async (cycles: number) => {
            limit = cycles;
            await Promise.all(Array.from({ length: n }, (_, i) => worker(i)));
          };
          // Warm up (JIT, lock files, bridge ports), then measure from an idle start to an idle end.
          await runUntil(warmup);
          const start = sample(warmup);
          samples.push(start);
          await runUntil(SIZES.churnCycles);
          w.kill.set("bridge", 0, 0);
          w.kill.set("host-local", 0, 0);
          samples.push(sample(SIZES.churnCycles));
          const leaks = await w.leaks();
          const faults = w.kill.kills().length;
          const first = start;
          const last = samples[samples.length - 1]!;
          writeSection({
            section: "churn-soak",
            cases: SIZES.churnCycles,
            faults,
            leaks: totalLeaks(leaks) + duplicates.length + stuck.length + missing.length,
            details: {
              seed, concurrency: n, added, addFailed, delRetries, duplicates: duplicates.length, stuck: stuck.length, missing: missing.length,
              leaks, rssMB: { start: first.rssMB, end: last.rssMB }, heapMB: { start: first.heapMB, end: last.heapMB },
              fds: { start: first.fds, end: last.fds }, samples,
            },
          });
          expect(duplicates).toEqual([]);
          expect(stuck).toEqual([]);
          expect(missing, "ADD results match the container").toEqual([]);
          expect(leaks).toEqual({ reservations: [], veths: [], containerLinks: [], perContainerRules: [], cachedAttachments: [], heldLocks: [] });
          expect(added, "most cycles succeed").toBeGreaterThan(SIZES.churnCycles * 0.5);
          expect(faults, "kills landed").toBeGreaterThan(0);
          // Flat: no fd growth, heap back near where it started (RSS is reported; the allocator keeps pages).
          expect(last.fds - first.fds).toBeLessThanOrEqual(2);
          expect(last.heapMB - first.heapMB).toBeLessThan(FULL ? 40 : 20);
        } finally {
          w.kill.set("bridge", 0, 0);
          w.kill.set("host-local", 0, 0);
          await w.rt.removeNetwork(w.name).catch(() => undefined);
        }
        const links = await exec(["ip", "-n", sb.host.name, "-o", "link", "show"]);
        expect(links.stdout).not.toContain("thdsk0");
      });
    },
    TEST_TIMEOUT_MS,
  );
});
