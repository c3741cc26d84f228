import { parseCIDR, parseIP, type IPAddr } from "@tscni/types/ip";
import { bad, normaliseRange, normaliseRangeSet, rangesOverlap, rangeString, type RangeSet } from "./range.js";
import { ipFromCniArgs, requestedIPAt } from "./requested.js";
import type { RangeInput, RangesConfig, RouteInput } from "./schema.js";

/** What every range-based IPAM plugin makes of its config: ranges, routes, DNS source, requested addresses. */
export interface IpamRanges {
  cniVersion: string;
  ranges: RangeSet[];
  routes: RouteInput[];
  resolvConf: string | undefined;
  /** From CNI_ARGS IP=, args.cni.ips and runtimeConfig.ips, in that order. */
  requestedIPs: IPAddr[];
}

/**
 * Turns the validated stdin config (+ CNI_ARGS) into ranges, routes and the requested
 * addresses, with Go host-local's defaults and ordering (runtimeConfig.ipRanges, then
 * legacy subnet, then ranges). Throws code 7 naming the key, code 4 for bad CNI_ARGS.
 */
export function normaliseRanges(conf: RangesConfig, cniArgs: ReadonlyArray<readonly [string, string]> = []): IpamRanges {
  const ipam = conf.ipam;
  const cniVersion = conf.cniVersion ?? "";

  const requestedIPs: IPAddr[] = [];
  const fromEnv = ipFromCniArgs(cniArgs);
  if (fromEnv) requestedIPs.push(fromEnv);
  conf.args?.cni?.ips?.forEach((s, i) => requestedIPs.push(requestedIPAt(`args.cni.ips[${i}]`, s)));
  conf.runtimeConfig?.ips?.forEach((s, i) => requestedIPs.push(requestedIPAt(`runtimeConfig.ips[${i}]`, s)));

  const sources: Array<[RangeInput[], string]> = [];
  conf.runtimeConfig?.ipRanges?.forEach((set, i) => sources.push([set, `runtimeConfig.ipRanges[${i}]`]));
  const legacyKeys = ["rangeStart", "rangeEnd", "gateway"] as const;
  if (ipam.subnet !== undefined && ipam.subnet !== "") {
    sources.push([[{ subnet: ipam.subnet, rangeStart: ipam.rangeStart, rangeEnd: ipam.rangeEnd, gateway: ipam.gateway }], "ipam"]);
  } else {
    for (const k of legacyKeys) if (ipam[k]) bad(`ipam.${k}`, "given without ipam.subnet");
  }
  ipam.ranges?.forEach((set, i) => sources.push([set, `ipam.ranges[${i}]`]));
  if (sources.length === 0) bad("ipam", "no IP ranges specified (set ipam.ranges or ipam.subnet)");

  const ranges = sources.map(([set, path]) => (path === "ipam" ? [normaliseRange(set[0]!, "ipam")] : normaliseRangeSet(set, path)));
  const paths = sources.map(([, p]) => p);

  const perFamily = { 4: 0, 6: 0 };
  for (const set of ranges) perFamily[set[0]!.start.family]++;
  if ((perFamily[4] > 1 || perFamily[6] > 1) && (cniVersion === "" || cniVersion === "0.1.0" || cniVersion === "0.2.0"))
    bad("cniVersion", `CNI version ${cniVersion || "0.1.0"} does not support more than 1 address per family`);

  for (let i = 0; i < ranges.length; i++)
    for (let j = i + 1; j < ranges.length; j++)
      for (const a of ranges[i]!)
        for (const b of ranges[j]!) if (rangesOverlap(a, b)) bad(paths[j]!, `range set overlaps with ${paths[i]} (${rangeString(a)} and ${rangeString(b)})`);

  const routes = ipam.routes ?? [];
  routes.forEach((r, i) => {
    if (!parseCIDR(r.dst)) bad(`ipam.routes[${i}].dst`, `invalid CIDR ${JSON.stringify(r.dst)}`);
    if (r.gw !== undefined && r.gw !== "" && !parseIP(r.gw)) bad(`ipam.routes[${i}].gw`, `invalid IP address ${JSON.stringify(r.gw)}`);
  });

  const resolvConf = ipam.resolvConf === undefined || ipam.resolvConf === "" ? undefined : ipam.resolvConf;
  return { cniVersion, ranges, routes, resolvConf, requestedIPs };
}
