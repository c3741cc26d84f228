import * as z from "zod/mini";

/** Output of the VERSION command. */
export const versionResultSchema = z.object({
  cniVersion: z.string(),
  supportedVersions: z.array(z.string()),
});
export type VersionResult = z.infer<typeof versionResultSchema>;
