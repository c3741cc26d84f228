import type { Plugin } from "@tscni/skel";
import { readIdentity } from "@tscni/state/identity";

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
  /** Loaded on first use, so callers that never delegate do not pay for its modules. */
  load: () => Promise<Plugin>;
}

/** Delegate types to the plugin bundled for them. */
export type EmbeddedPlugins = Readonly<Record<string, EmbeddedPlugin>>;

/** The embedded plugin to use for `path` (found for `type`), or undefined: exec it. */
export function embeddedFor(type: string, path: string, embedded: EmbeddedPlugins | undefined): EmbeddedPlugin | undefined {
  const e = embedded && Object.hasOwn(embedded, type) ? embedded[type] : undefined;
  return e && readIdentity(path) === e.identity ? e : undefined;
}
