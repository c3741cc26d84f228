import type { EmbeddedPlugins } from "@tscni/invoke";
import { HOST_LOCAL_IDENTITY } from "@tscni/host-local/identity";

/**
 * IPAM plugins the bridge carries: when CNI_PATH's `host-local` is the tscni host-local
 * of this same version, it runs in-process (same code, same store, same answers) instead
 * of as a second process per call. Go's host-local, or any other file, is exec'd.
 */
export const EMBEDDED_IPAM: EmbeddedPlugins = {
  "host-local": { identity: HOST_LOCAL_IDENTITY, load: async () => (await import("@tscni/host-local")).plugin },
};
