import { CniError, ErrorCode, parseCniArgs } from "@tscni/types";
import { checkIfName, checkMac } from "@tscni/net";
import type { BridgeConfigInput } from "./schema.js";
import { collectVlanTrunk } from "./vlan-trunk.js";

export const DEFAULT_BRIDGE = "cni0";
export const DEFAULT_STATE_DIR = "/var/lib/cni/tscni/bridge";

/** The config with Go's defaults applied and cross-key rules checked. */
export interface BridgeConf {
  name: string;
  bridge: string;
  isGateway: boolean;
  isDefaultGateway: boolean;
  forceAddress: boolean;
  ipMasq: boolean;
  ipMasqBackend: "iptables" | "nftables" | undefined;
  mtu: number | undefined;
  hairpinMode: boolean;
  promiscMode: boolean;
  vlan: number;
  vlans: number[];
  /** vlan or vlanTrunk given: the bridge needs vlan_filtering. */
  vlanFiltering: boolean;
  preserveDefaultVlan: boolean;
  macspoofchk: boolean;
  enabledad: boolean;
  disableContainerInterface: boolean;
  portIsolation: boolean;
  /** ipam.type; "" = layer 2 only (no addresses), as Go reads it. */
  ipamType: string;
  ipam: Record<string, unknown> | undefined;
  /**
   * Requested container MAC: CNI_ARGS MAC=, then args.cni.mac, then runtimeConfig.mac (last
   * wins, as in Go). Worked out on first read, which checkAddRules does: only ADD needs it, and
   * a DEL whose CNI_ARGS cannot be parsed must still release what it finds.
   */
  readonly mac: string | undefined;
  stateDir: string;
  dns: BridgeConfigInput["dns"];
}

/** `cniArgs` is CNI_ARGS; parsed only when `mac` is read (ADD) and non-empty (it can only fail then). */
export function loadConf(c: BridgeConfigInput, cniArgs: string, env: Record<string, string | undefined>): BridgeConf {
  const vlan = c.vlan ?? 0;
  if (vlan < 0 || vlan > 4094) throw new CniError(ErrorCode.InvalidConfig, `invalid VLAN ID ${vlan} (must be between 0 and 4094)`);
  const vlans = collectVlanTrunk(c.vlanTrunk);
  const bridge = checkIfName(c.bridge || DEFAULT_BRIDGE, "bridge name");
  if (c.mtu !== undefined && c.mtu !== 0 && (c.mtu < 68 || c.mtu > 65535)) throw new CniError(ErrorCode.InvalidConfig, `invalid mtu ${c.mtu}`);
  const isDefaultGateway = c.isDefaultGateway === true;
  let mac: [string | undefined] | undefined;
  const conf: BridgeConf = {
    name: c.name ?? "",
    bridge,
    isGateway: c.isGateway === true || isDefaultGateway,
    isDefaultGateway,
    forceAddress: c.forceAddress === true,
    ipMasq: c.ipMasq === true,
    ipMasqBackend: c.ipMasqBackend,
    mtu: c.mtu || undefined,
    hairpinMode: c.hairpinMode === true,
    promiscMode: c.promiscMode === true,
    vlan,
    vlans,
    vlanFiltering: vlan !== 0 || c.vlanTrunk !== undefined,
    preserveDefaultVlan: c.preserveDefaultVlan === true,
    macspoofchk: c.macspoofchk === true,
    enabledad: c.enabledad === true,
    disableContainerInterface: c.disableContainerInterface === true,
    portIsolation: c.portIsolation === true,
    ipamType: typeof c.ipam?.type === "string" ? c.ipam.type : "",
    ipam: c.ipam as Record<string, unknown> | undefined,
    get mac() {
      return (mac ??= [requestedMac(c, cniArgs)])[0];
    },
    stateDir: c.stateDir ? checkStateDir(c.stateDir, "stateDir", ErrorCode.InvalidConfig)
      : env.TSCNI_STATE_DIR ? checkStateDir(env.TSCNI_STATE_DIR, "TSCNI_STATE_DIR", ErrorCode.InvalidEnv)
      : DEFAULT_STATE_DIR,
    dns: c.dns,
  };
  if (conf.vlan !== 0 && Buffer.byteLength(`${bridge}.${vlan}`) > 15) {
    throw new CniError(ErrorCode.InvalidConfig, `bridge name ${bridge} is too long for its VLAN interface ${bridge}.${vlan}`);
  }
  return conf;
}

/** Room left under the state dir for "networks/NAME.json" and the lock files, within PATH_MAX. */
const MAX_STATE_DIR_BYTES = 3072;
const MAX_COMPONENT_BYTES = 255; // NAME_MAX

/** The state dir must be absolute (a relative one would follow the plugin's cwd) and fit the fs limits. */
function checkStateDir(dir: string, key: string, code: number): string {
  if (!dir.startsWith("/")) throw new CniError(code, `${key} must be an absolute path`, dir);
  if (dir.includes("\0")) throw new CniError(code, `${key} contains a NUL byte`);
  if (Buffer.byteLength(dir) > MAX_STATE_DIR_BYTES || dir.split("/").some((c) => Buffer.byteLength(c) > MAX_COMPONENT_BYTES)) {
    throw new CniError(code, `${key} is too long (at most ${MAX_STATE_DIR_BYTES} bytes, ${MAX_COMPONENT_BYTES} per component)`);
  }
  return dir;
}

/** Rules the Go plugin checks at ADD, and the requested MAC (CNI_ARGS included), before anything is done. */
export function checkAddRules(conf: BridgeConf): void {
  void conf.mac;
  if (conf.ipamType !== "" && conf.disableContainerInterface) {
    throw new CniError(ErrorCode.InvalidConfig, "cannot use IPAM when DisableContainerInterface flag is set");
  }
  if (conf.hairpinMode && conf.promiscMode) {
    throw new CniError(ErrorCode.InvalidConfig, "cannot set hairpin mode and promiscuous mode at the same time");
  }
}

function requestedMac(c: BridgeConfigInput, cniArgs: string): string | undefined {
  let mac: string | undefined;
  if (cniArgs !== "") {
    for (const [k, v] of parseCniArgs(cniArgs)) if (k.toUpperCase() === "MAC" && v !== "") mac = v;
  }
  const fromArgs = (c.args?.cni as { mac?: unknown } | undefined)?.mac;
  if (typeof fromArgs === "string" && fromArgs !== "") mac = fromArgs;
  const fromRuntime = (c.runtimeConfig as { mac?: unknown } | undefined)?.mac;
  if (typeof fromRuntime === "string" && fromRuntime !== "") mac = fromRuntime;
  return mac === undefined ? undefined : checkMac(mac);
}
