import * as z from "zod/mini";
import { netConfSchema } from "@tscni/types";

/** The common keys plus ours; unknown keys pass through, as the spec requires. */
export const setMtuConfigSchema = z.extend(netConfSchema, {
  mtu: z.number().check(z.int(), z.gte(68), z.lte(65535)),
});
export type SetMtuConfig = z.infer<typeof setMtuConfigSchema>;
