// Cost of the runtime's cross-process locks (flock(1) on an fd we own), per acquisition.
// Run: node --conditions=tscni-source --import tsx test/bench/tools/lock-cost.ts
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { lockAttachment, lockNetworkExclusive } from "../../../packages/runtime/src/lock/network-lock.js";

const dir = mkdtempSync(join(tmpdir(), "tr-lockbench-"));
const N = 200;
async function time(what: string, fn: () => Promise<() => void>) {
  for (let i = 0; i < 10; i++) (await fn())();
  const t0 = performance.now();
  for (let i = 0; i < N; i++) (await fn())();
  console.log(`${what.padEnd(44)} ${((performance.now() - t0) / N).toFixed(2)} ms`);
}
try {
  await time("network exclusive (INIT/DEINIT/GC)", () => lockNetworkExclusive(dir, "net1", 5000));
  await time("network shared + attachment (ADD/DEL/CHECK)", () => lockAttachment(dir, "net1", "c1", "eth0", 5000));
} finally {
  rmSync(dir, { recursive: true, force: true });
}
