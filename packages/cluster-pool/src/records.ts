import * as z from "zod/mini";
import { CniError, ErrorCode, formatIssues } from "@tscni/types";
import { poolDefinition, type PoolConfig } from "./config.js";

// The JSON values cluster-ipam keeps in etcd (README "Key layout"). Other nodes and
// operators with etcdctl write them too: every read is checked, and a bad one is an error
// naming its key.

function build() {
  const range = z.object({ subnet: z.string(), rangeStart: z.string(), rangeEnd: z.string(), gateway: z.string() });
  const pool = z.looseObject({ ranges: z.array(z.array(range)), blockSize: z.number(), blockSizeV6: z.number() });
  const handle = z.looseObject({ ips: z.array(z.object({ ip: z.string(), key: z.string() })) });
  const marker = z.looseObject({ cidr: z.string() });
  return { pool, handle, marker };
}
type Schemas = ReturnType<typeof build>;
let built: Schemas | undefined;
const schemas = (): Schemas => (built ??= build());

export type PoolDefinition = z.infer<Schemas["pool"]>;
export type HandleRecord = z.infer<Schemas["handle"]>;

function parse<T>(schema: z.ZodMiniType<T>, key: string, text: string): T {
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    throw new CniError(ErrorCode.IoFailure, `cluster-ipam: ${key} holds no JSON: ${JSON.stringify(text.slice(0, 80))} (repair it with etcdctl; see the README's key layout)`);
  }
  const r = schema.safeParse(json);
  if (!r.success) throw new CniError(ErrorCode.IoFailure, `cluster-ipam: ${key} is not a valid record: ${formatIssues(r.error.issues, json)} (repair it with etcdctl; see the README's key layout)`);
  return r.data;
}

export const parseHandle = (key: string, text: string): HandleRecord => parse(schemas().handle, key, text);
export const parsePoolDefinition = (key: string, text: string): PoolDefinition => parse(schemas().pool, key, text);
export const markerValue = (cidr: string): string => JSON.stringify({ cidr });
export const handleValue = (h: HandleRecord): string => JSON.stringify({ ips: h.ips.map(({ ip, key }) => ({ ip, key })) });

/** One line for messages: "10.200.0.0/16 10.200.0.1-10.200.255.254 gw 10.200.0.1; ..., blockSize 26/122". */
export function describeDefinition(d: PoolDefinition): string {
  const sets = d.ranges.map((set) => set.map((r) => `${r.subnet} ${r.rangeStart}-${r.rangeEnd} gw ${r.gateway}`).join(", ")).join("; ");
  return `ranges ${sets}, blockSize ${d.blockSize}/${d.blockSizeV6}`;
}

/** The definition in a fixed key order, so two of them compare as strings. */
export function canonicalDefinition(d: PoolDefinition): string {
  return JSON.stringify({
    ranges: d.ranges.map((set) => set.map((r) => ({ subnet: r.subnet, rangeStart: r.rangeStart, rangeEnd: r.rangeEnd, gateway: r.gateway }))),
    blockSize: d.blockSize,
    blockSizeV6: d.blockSizeV6,
  });
}

/**
 * Code 7 when the pool in etcd was defined differently: a pool is shared by many nodes,
 * one node's config cannot rewrite it.
 */
export function checkDefinition(pool: PoolConfig, key: string, stored: string): void {
  const have = parsePoolDefinition(key, stored);
  const want = poolDefinition(pool);
  if (canonicalDefinition(have) !== canonicalDefinition(want))
    throw new CniError(
      ErrorCode.InvalidConfig,
      `cluster-ipam: pool ${pool.network} in etcd (${key}) has ${describeDefinition(have)}; this config has ${describeDefinition(want)}`,
      "a pool is shared by every node: change it as an operator (release it and let INIT create it again), not through one node's config",
    );
}
