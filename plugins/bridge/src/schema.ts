import * as z from "zod/mini";
import { netConfSchema } from "@tscni/types";

const optBool = z.optional(z.boolean());
const optInt = z.optional(z.number().check(z.int()));

const vlanTrunkSchema = z.looseObject({ minID: optInt, maxID: optInt, id: optInt });

/** The Go bridge's keys (same names, same defaults), plus `stateDir`. Loose: other keys pass. */
export const bridgeConfigSchema = z.extend(netConfSchema, {
  bridge: z.optional(z.string()),
  isGateway: optBool,
  isDefaultGateway: optBool,
  forceAddress: optBool,
  ipMasq: optBool,
  ipMasqBackend: z.optional(z.enum(["iptables", "nftables"])),
  mtu: optInt,
  hairpinMode: optBool,
  promiscMode: optBool,
  vlan: optInt,
  vlanTrunk: z.optional(z.array(vlanTrunkSchema)),
  preserveDefaultVlan: optBool,
  macspoofchk: optBool,
  enabledad: optBool,
  disableContainerInterface: optBool,
  portIsolation: optBool,
  /** Where ownership records live (default /var/lib/cni/tscni/bridge, or env TSCNI_STATE_DIR). */
  stateDir: z.optional(z.string()),
});

export type BridgeConfigInput = z.infer<typeof bridgeConfigSchema>;
