import { statSync } from "node:fs";
import { identityAs, readBuildIdentity } from "@tscni/state/identity";
import { registeredEmbedded, type EmbeddedPlugin } from "./registry.js";

/**
 * The bundled plugin to run for `path` (found for `type`), or undefined: exec it. In-process
 * when exec'ing `path` would run this same code: it is this very executable (a multi-call
 * file holding `type`; symlinks followed), or its trailer says it runs, as `type`, the
 * package and version registered.
 */
export function embeddedFor(type: string, path: string): EmbeddedPlugin | undefined {
  const e = registeredEmbedded(type);
  if (!e) return undefined;
  if (e.file !== undefined && sameFile(path, e.file)) return e;
  return e.identity !== undefined && identityAs(readBuildIdentity(path), type) === e.identity ? e : undefined;
}

/** Same device and inode, after following symlinks (hard links and symlinks to one file). */
function sameFile(a: string, b: string): boolean {
  try {
    const sa = statSync(a);
    const sb = statSync(b);
    return sa.ino === sb.ino && sa.dev === sb.dev;
  } catch {
    return false;
  }
}
