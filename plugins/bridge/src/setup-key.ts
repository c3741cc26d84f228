import type { BridgeConf } from "./config.js";

/** The settings that shape the shared resources; ADD takes the fast path only when they match the record. */
export function setupKey(conf: BridgeConf): string {
  return JSON.stringify([
    conf.bridge, conf.mtu ?? 0, conf.promiscMode, conf.vlanFiltering, conf.isGateway, conf.vlan,
    conf.ipMasq, conf.ipMasqBackend ?? "", conf.forceAddress,
  ]);
}
