import * as z from "zod/mini";
import { CniError, ErrorCode } from "./errors.js";
import { issuesError } from "./parse.js";

/** Output of the VERSION command. */
export const versionResultSchema = z.object({
  cniVersion: z.string(),
  supportedVersions: z.array(z.string()),
});
export type VersionResult = z.infer<typeof versionResultSchema>;

/**
 * Read a plugin's VERSION output the way Go's version.PluginDecoder does: cniVersion is
 * required; a 0.2.0 plugin that lists no supportedVersions supports 0.1.0 and 0.2.0;
 * anything else without a list is an error. Errors are decode failures (code 6).
 */
export function decodeVersionResult(raw: unknown): VersionResult {
  if (raw !== null && typeof raw === "object" && !Array.isArray(raw)) {
    const o = raw as { cniVersion?: unknown; supportedVersions?: unknown };
    if (o.cniVersion === "0.2.0" && (o.supportedVersions === undefined || (Array.isArray(o.supportedVersions) && o.supportedVersions.length === 0))) {
      return { cniVersion: "0.2.0", supportedVersions: ["0.1.0", "0.2.0"] };
    }
    if (o.cniVersion === "") throw new CniError(ErrorCode.DecodeFailure, "decoding version info: missing field cniVersion");
    if (Array.isArray(o.supportedVersions) && o.supportedVersions.length === 0) {
      throw new CniError(ErrorCode.DecodeFailure, "decoding version info: missing field supportedVersions");
    }
  }
  const r = z.safeParse(versionResultSchema, raw);
  if (!r.success) throw issuesError(ErrorCode.DecodeFailure, "decoding version info", r.error.issues, raw);
  return r.data;
}
