import { netConfSchema } from "@tscni/types";

/** loopback takes no keys of its own: the common network config is all it reads. */
export const loopbackConfigSchema = netConfSchema;
