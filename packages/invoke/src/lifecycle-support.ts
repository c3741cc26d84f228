import { ErrorCode, compareVersions, isCniError } from "@tscni/types";

/** The verbs a plugin built before CNI 1.1 cannot know (GC, STATUS) or that no spec has (INIT, DEINIT). */
export type LifecycleVerb = "INIT" | "DEINIT" | "GC" | "STATUS";

/** Does a plugin listing `versions` speak CNI 1.1 (GC, STATUS), the first with lifecycle verbs? */
export function speaksLifecycle(versions: readonly string[]): boolean {
  return versions.some((v) => /^\d+\.\d+\.\d+$/.test(v) && compareVersions(v, "1.1.0") >= 0);
}

/**
 * Is `err`, a plugin's answer to INIT or DEINIT, the plugin saying it has no such verb?
 * Code 4 is what skels answer for an unknown CNI_COMMAND. Go plugins built before CNI 1.1
 * check the container variables first and answer code 3 about those: they predate INIT,
 * so code 3 from a plugin whose VERSION lists nothing at or above 1.1.0 counts too.
 * `versions` is asked only for a code 3 (it costs the caller a VERSION call).
 */
export async function answeredNotImplemented(err: unknown, versions: () => Promise<readonly string[]>): Promise<boolean> {
  if (!isCniError(err)) return false;
  if (err.code === ErrorCode.InvalidEnv) return true;
  if (err.code !== ErrorCode.UnknownContainer) return false;
  try {
    return !speaksLifecycle(await versions());
  } catch {
    return false;
  }
}
