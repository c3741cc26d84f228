import type { AnyPlugin, PluginEntry } from "./plugin.js";

/** An entry whose hook returns any work. */
export type AnyEntry = PluginEntry<any>;

/** A plugin object or a lazy entry, as what skel needs first. */
export function entryOf(target: AnyPlugin<any> | AnyEntry): AnyEntry {
  if (typeof (target as AnyPlugin).add === "function") {
    const plugin = target as AnyPlugin;
    return { about: plugin.about, versions: plugin.versions, early: plugin.early, load: () => Promise.resolve(plugin) };
  }
  return target as AnyEntry;
}
