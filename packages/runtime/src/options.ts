/** One plugin exec, reported to `onEvent` (the CLI and demo show progress with it). */
export interface ExecEvent {
  command: string;
  plugin: string;
  index: number;
  network: string;
  ms: number;
  error?: { code: number; msg: string };
  /** INIT/DEINIT answered with "unknown command": counted as not needed. */
  notNeeded?: boolean;
}

export interface RuntimeOptions {
  /** Directories searched for plugins (CNI_PATH). */
  pluginDirs: string[];
  /** Network configuration directory (NETCONFPATH): networks by name, reconcile, removal detection. */
  confDir?: string;
  /** libcni's cache dir: results in DIR/results, our network state in DIR/tscni. Default /var/lib/cni. */
  cacheDir?: string;
  /** Run each plugin through this program, e.g. ["ip", "netns", "exec", "host1"]. */
  execWrapper?: string[];
  /** Kill a plugin exec after this long. Default 60 s. */
  execTimeoutMs?: number;
  /** Give up waiting for a network/attachment lock after this long (code 11). Default 60 s. */
  lockTimeoutMs?: number;
  /** Backoff between INIT retries triggered by ADD: base * 2^(attempts-1), capped. Default 1 s .. 5 min. */
  initBackoffMs?: { base: number; max: number };
  /** Environment the plugins inherit (CNI_* replaced). Default process.env. */
  env?: NodeJS.ProcessEnv;
  onStderr?: (plugin: string, text: string) => void;
  onEvent?: (e: ExecEvent) => void;
  /** Clock, for tests of the backoff. */
  now?: () => number;
}

export type Resolved = Required<Pick<RuntimeOptions, "pluginDirs" | "cacheDir" | "execTimeoutMs" | "lockTimeoutMs" | "initBackoffMs" | "env" | "now">> &
  Pick<RuntimeOptions, "confDir" | "execWrapper" | "onStderr" | "onEvent">;

export const DEFAULT_CACHE_DIR = "/var/lib/cni";

export function resolveOptions(o: RuntimeOptions): Resolved {
  return {
    ...o,
    pluginDirs: o.pluginDirs,
    cacheDir: o.cacheDir ?? DEFAULT_CACHE_DIR,
    execTimeoutMs: o.execTimeoutMs ?? 60_000,
    lockTimeoutMs: o.lockTimeoutMs ?? 60_000,
    initBackoffMs: o.initBackoffMs ?? { base: 1000, max: 300_000 },
    env: o.env ?? process.env,
    now: o.now ?? Date.now,
  };
}
