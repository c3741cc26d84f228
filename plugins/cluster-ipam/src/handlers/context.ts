import { appendFileSync } from "node:fs";
import type { Context } from "@tscni/skel";
import { EtcdClient } from "@tscni/etcd";
import { normaliseClusterConfig, type ClusterConfig, type ClusterIpamConfig } from "@tscni/cluster-pool";

export type ClusterContext = Context<ClusterIpamConfig>;

export interface Loaded {
  conf: ClusterConfig;
  etcd: EtcdClient;
}

/** Env switch: each call appends "<VERB> <requests> <auth requests>" to this file (the bench's request count). */
export const STATS_ENV = "TSCNI_ETCD_STATS";

/**
 * Normalises the config (code 7 naming the key, before anything talks to etcd), makes
 * the etcd client (its `timeoutMs` budget starts now) and runs `fn`; the request count
 * goes to TSCNI_ETCD_STATS's file whatever the outcome.
 */
export async function withPool<T>(ctx: ClusterContext, fn: (l: Loaded) => Promise<T>, withArgs = true): Promise<T> {
  const conf = normaliseClusterConfig(ctx.config, withArgs ? ctx.args : []);
  const etcd = new EtcdClient(conf.etcd);
  try {
    return await fn({ conf, etcd });
  } finally {
    const file = ctx.env[STATS_ENV];
    if (file) {
      try {
        appendFileSync(file, `${ctx.command} ${etcd.stats.requests} ${etcd.stats.auth}\n`);
      } catch {
        // a statistics file must never fail the call
      }
    }
  }
}
