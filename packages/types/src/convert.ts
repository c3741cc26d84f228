// Result conversion between spec versions, following Go libcni (pkg/types/020, 040, 100):
// every pair of versions converts, through the three result shapes 020 <-> 040 <-> 100.
import { CniError, ErrorCode } from "./errors.js";
import { dnsIsEmpty, type DNS } from "./fields.js";
import { cidrVersion } from "./ip.js";
import { parseWith } from "./parse.js";
import { getResultSchemas, type Result } from "./result.js";
import { getResult020Schema, type IPConfig020, type Result020, type Route020 } from "./result-020.js";
import { getResult040Schema, type Result040 } from "./result-040.js";
import { requireKnownVersion, resultFamily, type CniVersion } from "./version.js";

type Shaped = { family: "020"; r: Result020 } | { family: "040"; r: Result040 } | { family: "100"; r: Result };

/** Copy without undefined values, empty arrays or an empty dns (Go omits them too). */
function compact<T extends object>(o: T): T {
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(o)) {
    if (v === undefined) continue;
    if (Array.isArray(v) && v.length === 0) continue;
    if (k === "dns" && dnsIsEmpty(v as DNS)) continue;
    out[k] = v;
  }
  return out as T;
}

function copyDns(d: DNS | undefined): DNS | undefined {
  if (dnsIsEmpty(d)) return undefined;
  return compact({
    nameservers: d!.nameservers && [...d!.nameservers],
    domain: d!.domain || undefined,
    search: d!.search && [...d!.search],
    options: d!.options && [...d!.options],
  });
}

// ---- 020 <-> 040 (Go: types040.convertFrom02x / convertTo02x)

function from020(r: Result020): Result040 {
  const ips: NonNullable<Result040["ips"]> = [];
  const routes: NonNullable<Result040["routes"]> = [];
  for (const [version, ipc] of [["4", r.ip4], ["6", r.ip6]] as const) {
    if (!ipc) continue;
    ips.push(compact({ version, address: ipc.ip, gateway: ipc.gateway }));
    for (const rt of ipc.routes ?? []) routes.push(compact({ dst: rt.dst, gw: rt.gw }));
  }
  return compact({ ips, routes, dns: copyDns(r.dns) });
}

function to020(r: Result040, toVersion: CniVersion): Result020 {
  let ip4: IPConfig020 | undefined;
  let ip6: IPConfig020 | undefined;
  // 0.2.0 holds one address per family: like Go, keep the first of each and drop the rest.
  for (const ipc of r.ips ?? []) {
    const v = ipc.version ?? cidrVersion(ipc.address);
    if (v === "4" && !ip4) ip4 = compact({ ip: ipc.address, gateway: ipc.gateway });
    else if (v === "6" && !ip6) ip6 = compact({ ip: ipc.address, gateway: ipc.gateway });
  }
  if (!ip4 && !ip6) {
    throw new CniError(ErrorCode.IncompatibleVersion, `cannot convert result to ${toVersion}: no IP address`, `a ${toVersion} result requires ip4 or ip6`);
  }
  // Routes go under the address of their destination's family; routes of a family without an address are dropped.
  const r4: Route020[] = [];
  const r6: Route020[] = [];
  for (const rt of r.routes ?? []) {
    const target = cidrVersion(rt.dst) === "4" ? (ip4 ? r4 : undefined) : ip6 ? r6 : undefined;
    target?.push(compact({ dst: rt.dst, gw: rt.gw }));
  }
  if (ip4 && r4.length) ip4.routes = r4;
  if (ip6 && r6.length) ip6.routes = r6;
  return compact({ cniVersion: toVersion, ip4, ip6, dns: copyDns(r.dns) });
}

// ---- 040 <-> 100 (Go: types100.convertFrom04x / convertTo04x)

function from040(r: Result040): Result {
  return compact({
    interfaces: r.interfaces?.map((i) => compact({ name: i.name, mac: i.mac, sandbox: i.sandbox })),
    ips: r.ips?.map((ipc) => compact({ interface: ipc.interface, address: ipc.address, gateway: ipc.gateway })),
    routes: r.routes?.map((rt) => compact({ dst: rt.dst, gw: rt.gw })),
    dns: copyDns(r.dns),
  });
}

function to040(r: Result, toVersion: CniVersion): Result040 {
  return compact({
    cniVersion: toVersion,
    interfaces: r.interfaces?.map((i) => compact({ name: i.name, mac: i.mac, sandbox: i.sandbox })),
    // "version" comes from the address, as Go does (an IPv4-mapped IPv6 address counts as "4").
    ips: r.ips?.map((ipc) =>
      compact({ version: cidrVersion(ipc.address) ?? "6", interface: ipc.interface, address: ipc.address, gateway: ipc.gateway }),
    ),
    // Route fields beyond dst/gw are 1.1 additions and do not exist in 0.3.x/0.4.0.
    routes: r.routes?.map((rt) => compact({ dst: rt.dst, gw: rt.gw })),
    dns: copyDns(r.dns),
  });
}

// ---- within a shape

/** 1.x -> 1.x. Going to 1.0.0 drops what 1.1.0 added (interface mtu/socketPath/pciID, route mtu/advmss/priority/table/scope). */
function within100(r: Result, toVersion: CniVersion): Result {
  const to10 = toVersion === "1.0.0";
  return compact({
    cniVersion: toVersion,
    interfaces: r.interfaces?.map((i) =>
      to10 ? compact({ name: i.name, mac: i.mac, sandbox: i.sandbox }) : compact({ ...i }),
    ),
    ips: r.ips?.map((ipc) => compact({ interface: ipc.interface, address: ipc.address, gateway: ipc.gateway })),
    routes: r.routes?.map((rt) => (to10 ? compact({ dst: rt.dst, gw: rt.gw }) : compact({ ...rt }))),
    dns: copyDns(r.dns),
  });
}

function within040(r: Result040, toVersion: CniVersion): Result040 {
  return compact({
    cniVersion: toVersion,
    interfaces: r.interfaces?.map((i) => compact({ ...i })),
    ips: r.ips?.map((ipc) =>
      compact({ version: ipc.version ?? cidrVersion(ipc.address) ?? "6", interface: ipc.interface, address: ipc.address, gateway: ipc.gateway }),
    ),
    routes: r.routes?.map((rt) => compact({ ...rt })),
    dns: copyDns(r.dns),
  });
}

function within020(r: Result020, toVersion: CniVersion): Result020 {
  const ipc = (c: IPConfig020 | undefined) => c && compact({ ip: c.ip, gateway: c.gateway, routes: c.routes?.map((rt) => compact({ ...rt })) });
  return compact({ cniVersion: toVersion, ip4: ipc(r.ip4), ip6: ipc(r.ip6), dns: copyDns(r.dns) });
}

function parseShaped(raw: unknown, version: CniVersion): Shaped {
  const what = `${version} result`;
  switch (resultFamily(version)) {
    case "020":
      return { family: "020", r: parseWith(getResult020Schema(), raw, what) };
    case "040":
      return { family: "040", r: parseWith(getResult040Schema(), raw, what) };
    case "100":
      return { family: "100", r: parseWith(getResultSchemas().resultSchema, raw, what) };
  }
}

function convertShaped(s: Shaped, to: CniVersion): Record<string, unknown> {
  const target = resultFamily(to);
  // Move one shape step at a time, like Go: 020 <-> 040 <-> 100.
  let cur = s;
  while (cur.family !== target) {
    if (cur.family === "020") cur = { family: "040", r: from020(cur.r) };
    else if (cur.family === "100") cur = { family: "040", r: to040(cur.r, "0.4.0") };
    else if (target === "100") cur = { family: "100", r: from040(cur.r) };
    else cur = { family: "020", r: to020(cur.r, to) };
  }
  if (cur.family === "100") return within100(cur.r, to);
  if (cur.family === "040") return within040(cur.r, to);
  return within020(cur.r, to);
}

function versionOf(raw: unknown, fromVersion: string | undefined): CniVersion {
  if (raw === null || typeof raw !== "object" || Array.isArray(raw)) {
    throw new CniError(ErrorCode.DecodeFailure, `result must be a JSON object, got ${raw === null ? "null" : Array.isArray(raw) ? "array" : typeof raw}`);
  }
  const own = (raw as { cniVersion?: unknown }).cniVersion;
  // Before 1.0.0 results often carry no cniVersion; the caller then supplies the config's (as Go's ParsePrevResult does).
  const v = own === undefined || own === "" ? fromVersion : own;
  if (v === undefined) throw new CniError(ErrorCode.IncompatibleVersion, "result has no cniVersion and no version was given for it");
  return requireKnownVersion(v, "result");
}

/**
 * Convert a result (any known version, read from raw.cniVersion, else `fromVersion`)
 * to `toVersion`. Returns a JSON-ready object with cniVersion set. Throws CniError(IncompatibleVersion)
 * for unknown versions or a conversion the target cannot express, CniError(InvalidConfig) when
 * raw does not match its version's result shape.
 */
export function convertResult(raw: unknown, toVersion: string, fromVersion?: string): Record<string, unknown> {
  const from = versionOf(raw, fromVersion);
  const to = requireKnownVersion(toVersion, "result conversion target");
  return convertShaped(parseShaped(raw, from), to);
}

/** Any known result version -> the current (1.1.0) shape, validated. */
export function toCurrentResult(raw: unknown, fromVersion?: string): Result {
  return convertResult(raw, "1.1.0", fromVersion) as Result;
}
