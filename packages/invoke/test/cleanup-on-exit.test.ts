import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { execa } from "execa";
import { afterEach, describe, expect, it } from "vitest";

// What execa brings that our own spawns lacked: a program still running when its parent
// exits (normally, or on SIGTERM/SIGINT/SIGHUP) is killed with it. SIGKILL cannot be
// caught: nothing can clean up then.
const BUN = fileURLToPath(new URL("../../../node_modules/.bin/bun", import.meta.url));
const HOLD = fileURLToPath(new URL("./fixtures/hold-program.ts", import.meta.url));

// Our packages resolve to their source (this package cannot depend on @tscni/testing/repo's nodeTs).
const runtimes = { node: [process.execPath, "--conditions=tscni-source", "--import", "tsx", HOLD], bun: [BUN, "--conditions=tscni-source", HOLD] } as const;

/** Alive and not a zombie (an orphan's zombie may wait for a reaper that never comes). */
function running(pid: number): boolean {
  try {
    return !/^\d+ \(.*\) Z/.test(readFileSync(`/proc/${pid}/stat`, "utf8"));
  } catch {
    return false;
  }
}

async function gone(pid: number, ms = 5000): Promise<boolean> {
  for (const end = Date.now() + ms; Date.now() < end; await new Promise((r) => setTimeout(r, 20))) if (!running(pid)) return true;
  return false;
}

let dir = "";
const leftover: number[] = [];
afterEach(() => {
  for (const pid of leftover.splice(0)) if (running(pid)) process.kill(pid, "SIGKILL");
  rmSync(dir, { recursive: true, force: true });
});

describe("a program run through execa dies with the process that ran it", () => {
  for (const [runtime, argv] of Object.entries(runtimes)) {
    it(`${runtime}: the parent exits normally`, async () => {
      dir = mkdtempSync(join(tmpdir(), "tr-invoke-exit-"));
      const pidFile = join(dir, "pid");
      await execa(argv[0], [...argv.slice(1), pidFile, "exit"], { timeout: 20_000 });
      const pid = Number(readFileSync(pidFile, "utf8"));
      leftover.push(pid);
      expect(await gone(pid)).toBe(true);
    });

    it(`${runtime}: the parent is sent SIGTERM`, async () => {
      dir = mkdtempSync(join(tmpdir(), "tr-invoke-exit-"));
      const pidFile = join(dir, "pid");
      const parent = execa(argv[0], [...argv.slice(1), pidFile, "signal"], { timeout: 20_000, reject: false });
      await new Promise<void>((resolve) => parent.stdout.on("data", (d: Buffer) => d.toString().includes("ready") && resolve()));
      const pid = Number(readFileSync(pidFile, "utf8"));
      leftover.push(pid);
      expect(running(pid)).toBe(true);
      parent.kill("SIGTERM");
      expect((await parent).signal).toBe("SIGTERM");
      expect(await gone(pid)).toBe(true);
    });
  }
});
