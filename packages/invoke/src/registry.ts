import type { AnyPlugin } from "@tscni/skel";

/**
 * A delegate plugin this executable carries in its own bundle. When the file CNI_PATH
 * resolves to was built from that same package and version (its identity trailer, see
 * @tscni/state/identity), running the bundled code in-process gives the answer the exec
 * would, without a process start. Any other file (Go's host-local, another version, a
 * wrapper script) is exec'd as usual.
 */
export interface EmbeddedPlugin {
  /** `<package>@<version>`, as the executable's trailer says. */
  identity: string;
  /** Loaded on first use, so calls that never run it do not pay for its modules. */
  load: () => Promise<AnyPlugin>;
}

const registry = new Map<string, EmbeddedPlugin>();

/**
 * Register the delegate bundled for `type`. tscni-build's embed option injects the calls
 * (a plugin never imports another plugin); tests may call it too. Returns the undo.
 */
export function registerEmbedded(type: string, plugin: EmbeddedPlugin): () => void {
  registry.set(type, plugin);
  return () => {
    if (registry.get(type) === plugin) registry.delete(type);
  };
}

/** The delegate bundled for `type`, if the build registered one. */
export function registeredEmbedded(type: string): EmbeddedPlugin | undefined {
  return registry.get(type);
}
