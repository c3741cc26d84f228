import { readFileSync } from "node:fs";
import { hostname } from "node:os";
import { formatCIDR, formatIP, lastOf, networkOf, type IPAddr } from "@tscni/types/ip";
import { VALID_NAME } from "@tscni/types/names";
import { bad, normaliseRanges, rangeString, type IpamRanges, type Range } from "@tscni/ipam-ranges";
import type { EtcdClientOptions } from "@tscni/etcd";
import type { ClusterIpamConfig, EtcdSection } from "./schema.js";

export const DEFAULT_PREFIX = "/tscni/ipam";
export const DEFAULT_TIMEOUT_MS = 5000;
export const DEFAULT_BLOCK_SIZE = { 4: 26, 6: 122 } as const;
/** Block sizes calico allows: at most 4096 addresses in a block, at least one. */
const BLOCK_LIMITS = { 4: [20, 32], 6: [116, 128] } as const;
const TOKEN_DIR = "/run/tscni/etcd-tokens";

/** What the pool logic needs: where the pool lives, who we are, its ranges and block sizes. */
export interface PoolConfig {
  /** The network name: one pool per network under the prefix. */
  network: string;
  /** Key prefix without a trailing slash. */
  prefix: string;
  node: string;
  ranges: Range[][];
  blockSize: { 4: number; 6: number };
}

export interface ClusterConfig extends IpamRanges {
  pool: PoolConfig;
  etcd: EtcdClientOptions;
}

/** The prefix length of the blocks cut from `r` (a subnet smaller than a block is one block). */
export function blockPrefix(pool: Pick<PoolConfig, "blockSize">, r: Range): number {
  return Math.max(pool.blockSize[r.subnet.ip.family], r.subnet.prefix);
}

/** First and last address of the blocks that cover a range. */
function blockSpan(pool: Pick<PoolConfig, "blockSize">, r: Range): [IPAddr, IPAddr] {
  const p = blockPrefix(pool, r);
  return [networkOf({ ip: r.start, prefix: p }), lastOf({ ip: r.end, prefix: p })];
}

/**
 * Every address must lie in exactly one block, so blocks of different range sets may not
 * meet, and ranges whose blocks meet must cut blocks of the same size.
 */
function checkBlocks(pool: Pick<PoolConfig, "blockSize">, ranges: Range[][]): void {
  const all = ranges.flatMap((set, i) => set.map((r) => ({ r, i })));
  for (let a = 0; a < all.length; a++)
    for (let b = a + 1; b < all.length; b++) {
      const x = all[a]!;
      const y = all[b]!;
      if (x.r.start.family !== y.r.start.family) continue;
      const [xs, xe] = blockSpan(pool, x.r);
      const [ys, ye] = blockSpan(pool, y.r);
      if (xs.value > ye.value || ys.value > xe.value) continue;
      if (x.i !== y.i)
        bad("ipam.ranges", `range sets ${x.i} and ${y.i} would share blocks (${rangeString(x.r)} and ${rangeString(y.r)} with blocks of /${blockPrefix(pool, x.r)}); use a larger blockSize or ranges further apart`);
      if (blockPrefix(pool, x.r) !== blockPrefix(pool, y.r))
        bad("ipam.ranges", `ranges ${rangeString(x.r)} and ${rangeString(y.r)} would cut overlapping blocks of different sizes`);
    }
}

function blockSizeAt(v: number | undefined, family: 4 | 6): number {
  const key = family === 4 ? "ipam.blockSize" : "ipam.blockSizeV6";
  if (v === undefined) return DEFAULT_BLOCK_SIZE[family];
  const [lo, hi] = BLOCK_LIMITS[family];
  if (!Number.isInteger(v) || v < lo || v > hi) bad(key, `${v}: the prefix length of a block must be an integer from ${lo} to ${hi}`);
  return v;
}

function etcdOptions(e: EtcdSection, defaultTimeout = DEFAULT_TIMEOUT_MS): EtcdClientOptions {
  if (e.endpoints.length === 0) bad("ipam.etcd.endpoints", "empty: name at least one etcd member (http(s)://host:port)");
  e.endpoints.forEach((u, i) => {
    if (!/^(https?:\/\/[^/?#\s]+\/?|unix:\/\/\/\S+)$/.test(u)) bad(`ipam.etcd.endpoints[${i}]`, `${JSON.stringify(u)}: expected http(s)://host:port or unix:///path`);
  });
  const timeoutMs = e.timeoutMs ?? defaultTimeout;
  if (!Number.isInteger(timeoutMs) || timeoutMs < 100 || timeoutMs > 600_000) bad("ipam.etcd.timeoutMs", `${timeoutMs}: an integer from 100 to 600000 expected`);
  const tls = e.tls;
  if (tls && (tls.cert === undefined) !== (tls.key === undefined)) bad("ipam.etcd.tls", "cert and key go together");
  for (const k of ["ca", "cert", "key"] as const) if (tls?.[k] !== undefined && !tls[k]!.startsWith("/")) bad(`ipam.etcd.tls.${k}`, "must be an absolute path");
  if ((e.username === undefined) !== (e.passwordFile === undefined)) bad(e.username === undefined ? "ipam.etcd.passwordFile" : "ipam.etcd.username", "username and passwordFile go together");
  if (e.passwordFile !== undefined && !e.passwordFile.startsWith("/")) bad("ipam.etcd.passwordFile", "must be an absolute path");
  const passwordFile = e.passwordFile;
  const opts: EtcdClientOptions = { endpoints: e.endpoints.map((u) => u.replace(/\/$/, "")), timeoutMs };
  if (tls) opts.tls = { ...(tls.ca ? { ca: tls.ca } : {}), ...(tls.cert ? { cert: tls.cert, key: tls.key } : {}) };
  if (e.username !== undefined && passwordFile !== undefined) {
    opts.username = e.username;
    // Read on the first authentication only; a trailing newline is not part of the password.
    opts.password = () => readFileSync(passwordFile, "utf8").replace(/\r?\n$/, "");
    opts.tokenCache = e.tokenCache ?? `${TOKEN_DIR}/${encodeURIComponent(e.username)}.json`;
  }
  return opts;
}

function keyPrefix(p: string | undefined): string {
  const prefix = (p ?? DEFAULT_PREFIX).replace(/\/+$/, "");
  if (!prefix.startsWith("/") || /[\0\s]/.test(prefix)) bad("ipam.etcd.prefix", `${JSON.stringify(p)}: an absolute key prefix like ${DEFAULT_PREFIX} expected`);
  return prefix;
}

/**
 * The pool and etcd settings plus the shared range normalisation. Throws code 7 naming
 * the key (code 4 for bad CNI_ARGS) before anything talks to etcd.
 */
export function normaliseClusterConfig(conf: ClusterIpamConfig, cniArgs: ReadonlyArray<readonly [string, string]> = []): ClusterConfig {
  if (!VALID_NAME.test(conf.name)) bad("name", `invalid network name ${JSON.stringify(conf.name)}`);
  const ipam = conf.ipam;
  if (conf.runtimeConfig?.ipRanges?.length)
    bad("runtimeConfig.ipRanges", "not supported by cluster-ipam: a pool's ranges are shared by every node and fixed when it is created");
  const node = ipam.nodeName ?? hostname();
  if (!VALID_NAME.test(node)) bad("ipam.nodeName", `${JSON.stringify(node)}: letters, digits, "_", "." and "-" only`);
  const etcd = etcdOptions(ipam.etcd);
  const blockSize = { 4: blockSizeAt(ipam.blockSize, 4), 6: blockSizeAt(ipam.blockSizeV6, 6) };
  const rest = normaliseRanges(conf, cniArgs);
  checkBlocks({ blockSize }, rest.ranges);
  return { ...rest, etcd, pool: { network: conf.name, prefix: keyPrefix(ipam.etcd.prefix), node, ranges: rest.ranges, blockSize } };
}

/** The pool's defining settings as stored in etcd (pool metadata) and compared by INIT. */
export function poolDefinition(pool: PoolConfig): { ranges: Array<Array<{ subnet: string; rangeStart: string; rangeEnd: string; gateway: string }>>; blockSize: number; blockSizeV6: number } {
  return {
    ranges: pool.ranges.map((set) =>
      set.map((r) => ({ subnet: formatCIDR(r.subnet), rangeStart: formatIP(r.start), rangeEnd: formatIP(r.end), gateway: formatIP(r.gateway) })),
    ),
    blockSize: pool.blockSize[4],
    blockSizeV6: pool.blockSize[6],
  };
}
