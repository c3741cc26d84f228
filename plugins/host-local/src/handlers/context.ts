import type { Context } from "@tscni/skel";
import { Allocator } from "../allocator.js";
import { normaliseConfig, type IpamConfig } from "../config.js";
import type { HostLocalConfig } from "../schema.js";
import { DiskStore } from "../store.js";

export type HostLocalContext = Context<HostLocalConfig>;

export interface Loaded {
  conf: IpamConfig;
  store: DiskStore;
  allocator: Allocator;
}

/**
 * Normalises the config (code 7 on bad input, before anything is written) and opens the store.
 * CNI_ARGS is read only with `withArgs` (ADD's requested IP): a DEL whose CNI_ARGS cannot be
 * parsed must still release what it finds.
 */
export function load(ctx: HostLocalContext, withArgs = false): Loaded {
  const conf = normaliseConfig(ctx.config, withArgs ? ctx.args : []);
  const store = new DiskStore(conf.dir);
  return { conf, store, allocator: new Allocator(store, conf.ranges) };
}
