import { rangeAt, type EtcdClient } from "@tscni/etcd";
import { poolDefinition, type PoolConfig } from "./config.js";
import { PoolKeys } from "./keys.js";
import { checkDefinition } from "./records.js";

/**
 * INIT: creates the pool's definition if there is none, else checks this config against it
 * (code 7 naming both when they differ). Returns whether it created it.
 */
export async function ensurePool(etcd: EtcdClient, pool: PoolConfig): Promise<boolean> {
  const keys = new PoolKeys(pool);
  const t = await etcd.txn({
    compare: [{ key: keys.pool, target: "version", result: "=", value: 0 }],
    success: [{ type: "put", key: keys.pool, value: JSON.stringify(poolDefinition(pool)) }],
    failure: [{ type: "get", key: keys.pool }],
  });
  if (t.succeeded) return true;
  const stored = rangeAt(t, 0).kvs[0];
  if (stored) checkDefinition(pool, keys.pool, stored.value);
  return false;
}
