import { readIdentity } from "@tscni/state/identity";
import { registeredEmbedded, type EmbeddedPlugin } from "./registry.js";

/** The bundled plugin to run for `path` (found for `type`), or undefined: exec it. */
export function embeddedFor(type: string, path: string): EmbeddedPlugin | undefined {
  const e = registeredEmbedded(type);
  return e && readIdentity(path) === e.identity ? e : undefined;
}
