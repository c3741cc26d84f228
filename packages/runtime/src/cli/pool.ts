// `tscni pool show NAME` and `tscni pool release-node NAME NODE`: an operator's view and repair
// of a cluster-ipam pool, through the same library the plugin uses (@tscni/cluster-pool).
import { CniError, ErrorCode, parseWith } from "@tscni/types";
import { EtcdClient } from "@tscni/etcd";
import { clusterConfigSchema, normaliseClusterConfig, poolUsage, Releaser, type ClusterConfig, type PoolUsage } from "@tscni/cluster-pool";
import { loadNetwork } from "../conf/load.js";
import { networkConfig } from "../conf/derive.js";
import { flag, type ParsedArgs } from "./args.js";
import { DEFAULT_CONF_DIR } from "./setup.js";

const USAGE = "usage: tscni pool show NAME | tscni pool release-node NAME NODE";

/** The cluster-ipam config of network NAME: what the plugin whose ipam.type is cluster-ipam gets (its STATUS config). */
function clusterConfig(p: ParsedArgs, env: NodeJS.ProcessEnv, name: string): ClusterConfig {
  const dir = flag(p, "conf-dir") ?? env.NETCONFPATH ?? DEFAULT_CONF_DIR;
  const list = loadNetwork(dir, name);
  const plugin = list.plugins.find((pl) => (pl.ipam as { type?: unknown } | undefined)?.type === "cluster-ipam");
  if (!plugin) throw new CniError(ErrorCode.InvalidConfig, `network ${name} (in ${dir}) has no plugin with ipam type cluster-ipam`);
  return normaliseClusterConfig(parseWith(clusterConfigSchema, networkConfig(list, plugin), "cluster-ipam config"));
}

function showLines(u: PoolUsage, network: string): string[] {
  const lines = [`pool ${network}: ${u.definition ?? "(no definition stored yet: INIT or the first ADD writes it)"}`];
  for (const s of u.sets) lines.push(`  range set ${s.ranges}: ${s.used} used, ${s.free} free of ${s.usable}`);
  lines.push(u.blocks.length === 0 ? "  no blocks claimed" : `  ${"block".padEnd(22)} ${"owner".padEnd(16)} used/usable  borrowed  free`);
  for (const b of u.blocks)
    lines.push(`  ${b.block.padEnd(22)} ${b.owner.padEnd(16)} ${`${b.used}/${b.usable}`.padStart(11)}  ${String(b.borrowed).padStart(8)}  ${String(b.usable - b.used).padStart(4)}${b.set < 0 ? "  (not a block of this config)" : ""}`);
  for (const n of u.nodes) lines.push(`  node ${n.node}: ${n.blocks} block(s), ${n.attachments} attachment(s)`);
  return lines;
}

const jsonable = (u: PoolUsage) => JSON.parse(JSON.stringify(u, (_, v: unknown) => (typeof v === "bigint" ? Number(v) : v))) as unknown;

export async function runPool(p: ParsedArgs, env: NodeJS.ProcessEnv, out: (human: string | string[], data?: unknown) => void): Promise<void> {
  const [sub, name, node] = p.positional;
  if (!sub || !name || (sub !== "show" && sub !== "release-node") || (sub === "release-node" && !node)) throw new CniError(ErrorCode.InvalidEnv, USAGE);
  const conf = clusterConfig(p, env, name);
  const etcd = new EtcdClient(conf.etcd);
  try {
    if (sub === "show") {
      const u = await poolUsage(etcd, conf.pool);
      return out(showLines(u, name), jsonable(u));
    }
    const r = await new Releaser(etcd, { ...conf.pool, node: node! }).releaseNode(node!);
    return out(
      [
        `${name}: released ${r.attachments.length} attachment(s) and ${r.blocks.length} block(s) of node ${node}`,
        ...r.kept.map((k) => `  kept ${k.block}: ${k.addresses} address(es) other nodes borrowed; run this again once they are released`),
      ],
      r,
    );
  } finally {
    etcd.close();
  }
}
