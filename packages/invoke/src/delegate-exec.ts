import { spawnCollect } from "@tscni/net/spawn";
import { interpretOutput } from "./output.js";
import { startPlugin, type ExecOptions, type ExecOutput } from "./start-plugin.js";

/**
 * runPlugin for a plugin exec'ing its delegate: the same contract, started with @tscni/net's
 * spawnCollect instead of execa, which would cost the plugin's one call much more CPU and
 * put execa into every plugin executable (docs/architecture.md, "Running programs").
 */
export function runDelegatePlugin(path: string, opts: ExecOptions): Promise<ExecOutput> {
  return startPlugin(spawnCollect, path, opts);
}

/** runDelegatePlugin, then interpretOutput. */
export async function execDelegatePlugin(path: string, opts: ExecOptions): Promise<Record<string, unknown> | undefined> {
  return interpretOutput(path, await runDelegatePlugin(path, opts));
}
