import { copyFileSync, chmodSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync, existsSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { createRuntime, type Runtime, type RuntimeOptions } from "../../src/index.js";

const FAKE = join(dirname(fileURLToPath(import.meta.url)), "fake-plugin.mjs");

export interface LogLine {
  phase: "start" | "end";
  cmd: string;
  type: string;
  pid: number;
  /** "net:[inode]" of the netns the plugin ran in. */
  netns: string;
  env: Record<string, string>;
  conf: Record<string, unknown>;
}

/** A temp world for runtime tests: plugin dir of fake plugins, conf dir, cache dir, call log. */
export class World {
  readonly root = mkdtempSync(join(tmpdir(), "tr-rt-"));
  readonly bin = join(this.root, "bin");
  readonly conf = join(this.root, "net.d");
  readonly cache = join(this.root, "cache");
  readonly logFile = join(this.root, "calls.log");
  constructor(types: string[] = ["fake-a", "fake-b", "fake-c", "old-x"]) {
    for (const d of [this.bin, this.conf]) mkdirSync(d, { recursive: true });
    for (const t of types) {
      copyFileSync(FAKE, join(this.bin, t));
      chmodSync(join(this.bin, t), 0o755);
    }
  }
  runtime(extra: Partial<RuntimeOptions> = {}): Runtime {
    return createRuntime({ pluginDirs: [this.bin], confDir: this.conf, cacheDir: this.cache, execTimeoutMs: 20_000, lockTimeoutMs: 20_000, ...extra });
  }
  /** Write NAME.conflist with plugins that all log to the world's log. */
  writeList(name: string, plugins: Array<Record<string, unknown>>, extra: Record<string, unknown> = {}, file = `${name}.conflist`): string {
    const p = join(this.conf, file);
    writeFileSync(p, JSON.stringify({ cniVersion: "1.1.0", name, ...extra, plugins: plugins.map((pl) => ({ log: this.logFile, ...pl })) }));
    return p;
  }
  calls(): LogLine[] {
    if (!existsSync(this.logFile)) return [];
    return readFileSync(this.logFile, "utf8").trim().split("\n").filter(Boolean).map((l) => JSON.parse(l) as LogLine);
  }
  /** "CMD type" of completed calls, in order. */
  done(): string[] {
    return this.calls().filter((c) => c.phase === "end").map((c) => `${c.cmd} ${c.type}`);
  }
  clearLog(): void {
    rmSync(this.logFile, { force: true });
  }
  remove(): void {
    rmSync(this.root, { recursive: true, force: true });
  }
}

