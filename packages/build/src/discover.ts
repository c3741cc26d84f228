import { existsSync, readdirSync } from "node:fs";
import { join } from "node:path";

export interface PluginEntry {
  /** Executable name: the plugin directory's name, e.g. "bridge". */
  name: string;
  entry: string;
}

/** Every plugins/<name>/src/main.ts, the runtime CLI as "tscni", and the SDK's fixture plugin as "tscni-fixture". */
export function discoverPlugins(root: string): PluginEntry[] {
  const found: PluginEntry[] = [];
  const pluginsDir = join(root, "plugins");
  if (existsSync(pluginsDir)) {
    for (const name of readdirSync(pluginsDir).sort()) {
      const entry = join(pluginsDir, name, "src", "main.ts");
      if (existsSync(entry)) found.push({ name, entry });
    }
  }
  // The runtime CLI ships beside the plugins, so `dist/bin/tscni demo` finds them.
  const cli = join(root, "packages", "runtime", "src", "cli", "main.ts");
  if (existsSync(cli)) found.push({ name: "tscni", entry: cli });
  const fixture = join(root, "test", "fixture-plugin", "src", "main.ts");
  if (existsSync(fixture)) found.push({ name: "tscni-fixture", entry: fixture });
  return found;
}

/** The name of the multi-call executable `pnpm build` makes. */
export const MULTI_CALL_NAME = "tscni-plugins";

/** What the multi-call executable holds: every plugin and the `tscni` CLI (not the test fixture). */
export function multiCallPlugins(root: string): PluginEntry[] {
  return discoverPlugins(root).filter((p) => p.name !== "tscni-fixture");
}
