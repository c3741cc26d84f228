import * as z from "zod/mini";

/** Config key through which GC receives the attachments that are still valid. */
export const VALID_ATTACHMENTS_KEY = "cni.dev/valid-attachments";

export const validAttachmentSchema = z.object({
  containerID: z.string(),
  ifname: z.string(),
});
export type ValidAttachment = z.infer<typeof validAttachmentSchema>;
