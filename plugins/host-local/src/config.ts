import { isAbsolute, join } from "node:path";
import { bad, normaliseRanges, type IpamRanges } from "@tscni/ipam-ranges";
import { VALID_NAME } from "@tscni/types/names";
import type { HostLocalConfig } from "./schema.js";

export const DEFAULT_DATA_DIR = "/var/lib/cni/networks";

/** The shared range normalisation (@tscni/ipam-ranges) plus host-local's store directory. */
export interface IpamConfig extends IpamRanges {
  name: string;
  /** The network's store directory: dataDir/name. */
  dir: string;
}

function validateDataDir(dataDir: string): string {
  if (dataDir.includes("\0")) bad("ipam.dataDir", "contains a NUL byte");
  if (!isAbsolute(dataDir)) bad("ipam.dataDir", `${JSON.stringify(dataDir)} must be an absolute path`);
  if (dataDir.split("/").some((seg) => seg === "..")) bad("ipam.dataDir", `${JSON.stringify(dataDir)} must not contain ".."`);
  return dataDir;
}

/**
 * The network name and store directory, then the ranges, routes and requested
 * addresses as every range-based IPAM plugin reads them (normaliseRanges). Throws
 * code 7 naming the key, code 4 for bad CNI_ARGS.
 */
export function normaliseConfig(conf: HostLocalConfig, cniArgs: ReadonlyArray<readonly [string, string]> = []): IpamConfig {
  const name = conf.name;
  if (!VALID_NAME.test(name)) bad("name", `invalid network name ${JSON.stringify(name)}`);
  const ipam = conf.ipam;
  const dataDir = validateDataDir(ipam.dataDir === undefined || ipam.dataDir === "" ? DEFAULT_DATA_DIR : ipam.dataDir);
  return { name, dir: join(dataDir, name), ...normaliseRanges(conf, cniArgs) };
}
