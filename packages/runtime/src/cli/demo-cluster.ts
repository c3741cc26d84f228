// `tscni demo --cluster`: two nodes share one address range through cluster-ipam on a real
// three-member etcd, all in throwaway namespaces (@tscni/testing/etcd). Each node is a host
// netns running the bridge with cluster-ipam, driven by its own runtime.
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { randomBytes } from "node:crypto";
import { EtcdClient } from "@tscni/etcd";
import { clusterConfigSchema, normaliseClusterConfig, poolUsage } from "@tscni/cluster-pool";
import { createNetns, deleteNetns, EtcdCluster, leftovers, runPrefix, type Netns } from "@tscni/testing/etcd";
import { parseWith } from "@tscni/types";
import { createRuntime, type Runtime } from "../runtime.js";
import type { ExecEvent } from "../options.js";
import { flag, type ParsedArgs } from "./args.js";
import { demoStep } from "./demo-step.js";
import { defaultPluginsDir } from "./demo.js";
import { formatError, formatEvent, summariseResult } from "./format.js";

const NETWORK = "demo-cluster";
const SUBNET = "10.251.0.0/24";

interface DemoNode {
  name: string;
  netns: Netns;
  rt: Runtime;
  containers: Netns[];
}

export async function runClusterDemo(p: ParsedArgs, env: NodeJS.ProcessEnv): Promise<void> {
  const pluginsDir = flag(p, "plugins-dir") ?? env.TSCNI_DEMO_PLUGINS ?? defaultPluginsDir(["bridge", "cluster-ipam"]);
  const prefix = `tscni-demo-${randomBytes(2).toString("hex")}-`;
  const work = mkdtempSync(join(tmpdir(), runPrefix(prefix)));
  const say = (s: string) => void process.stdout.write(`${s}\n`);
  process.stdout.on("error", () => {});
  const step = demoStep(say);
  let etcd: EtcdCluster | undefined;
  const nodes: DemoNode[] = [];
  let failed = false;
  say(`tscni demo --cluster — two nodes share ${SUBNET} through cluster-ipam on etcd; plugins from ${pluginsDir}`);
  say(`  namespaces and the tmpfs start with ${prefix}, state in ${work}\n`);

  try {
    etcd = await step("start a three-member etcd cluster in its own netns (data on tmpfs)", () => EtcdCluster.start({ prefix }), (c) => [`members ${c.endpoints.join(", ")}`]);
    const cluster = etcd;
    const ipamFor = (node: string) => ({
      type: "cluster-ipam",
      etcd: { endpoints: cluster.endpoints, timeoutMs: 5000, prefix: "/tscni/ipam" },
      ranges: [[{ subnet: SUBNET }]],
      blockSize: 28,
      nodeName: node,
      routes: [{ dst: "0.0.0.0/0" }],
    });
    await step("two nodes: host netns on the etcd fabric, each with a runtime and container netns", async () => {
      for (const name of ["node-a", "node-b"]) {
        const { netns } = await cluster.addNode();
        const dir = join(work, name);
        mkdirSync(join(dir, "net.d"), { recursive: true });
        const list = { cniVersion: "1.1.0", name: NETWORK, plugins: [{ type: "bridge", bridge: "cni0", isGateway: true, stateDir: join(dir, "bridge"), ipam: ipamFor(name) }] };
        writeFileSync(join(dir, "net.d", `10-${NETWORK}.conflist`), JSON.stringify(list, null, 2));
        const onEvent = (e: ExecEvent) => say(`  [${name}]${formatEvent(e)}`);
        const rt = createRuntime({ pluginDirs: [pluginsDir], confDir: join(dir, "net.d"), cacheDir: join(dir, "cache"), execWrapper: ["ip", "netns", "exec", netns.name], onEvent });
        nodes.push({ name, netns, rt, containers: [] });
        for (let i = 0; i < 3; i++) nodes.at(-1)!.containers.push(await createNetns(prefix, "c"));
      }
    }, () => nodes.map((n) => `${n.name}: ${n.netns.name}`));
    const attach = (n: DemoNode, i: number) => ({ network: NETWORK, containerId: `${n.name}-c${i + 1}`, ifName: "eth0", netns: n.containers[i]!.path });

    for (const n of nodes) await step(`INIT ${NETWORK} on ${n.name}`, () => n.rt.init(NETWORK), () => [n === nodes[0] ? "creates the pool's definition in etcd" : "checks its config against the stored definition"]);
    for (const n of nodes)
      for (const i of [0, 1]) await step(`ADD ${n.name} container ${i + 1}`, () => n.rt.add(attach(n, i)), summariseResult);

    // The demo process is not on the fabric: it reads the pool through the members' unix sockets.
    const reader = normaliseClusterConfig(parseWith(clusterConfigSchema, { cniVersion: "1.1.0", name: NETWORK, ipam: { ...ipamFor("demo"), etcd: { endpoints: cluster.members.map((m) => `unix://${m.socket}`), timeoutMs: 5000, prefix: "/tscni/ipam" } } }));
    const show = async (title: string) => {
      const client = new EtcdClient(reader.etcd);
      try {
        await step(title, () => poolUsage(client, reader.pool), (u) => [
          ...u.sets.map((s) => `range ${s.ranges}: ${s.used} used, ${s.free} free`),
          ...u.blocks.map((b) => `block ${b.block.padEnd(16)} owner ${b.owner.padEnd(7)} ${b.used}/${b.usable} used${b.borrowed ? `, ${b.borrowed} borrowed` : ""}`),
          ...(u.blocks.length === 0 ? ["no blocks claimed"] : []),
        ]);
      } finally {
        client.close();
      }
    };
    await show("the shared pool: each node allocates inside blocks it claimed");

    const victim = await cluster.leader();
    await step(`kill -9 the etcd leader (${cluster.members[victim]!.name}), then ADD node-b container 3`, async () => {
      await cluster.kill(victim);
      try {
        return await nodes[1]!.rt.add(attach(nodes[1]!, 2));
      } finally {
        cluster.startMember(victim);
        await cluster.waitReady();
      }
    }, (r) => [...summariseResult(r), "two members are a quorum: they elected a new leader and the ADD went through (the killed member is back now)"]);

    for (const n of nodes)
      await step(`DEL ${n.name}'s containers, then DEINIT (its empty blocks go back)`, async () => {
        for (const i of n === nodes[1] ? [0, 1, 2] : [0, 1]) await n.rt.del(attach(n, i));
        await n.rt.deinit(NETWORK);
      });
    await show("the pool afterwards");
  } catch (e) {
    failed = true;
    say(`  ✗ ${formatError(e)}`);
  } finally {
    for (const n of nodes) for (const c of n.containers) await deleteNetns(c.name);
    await etcd?.stop();
    rmSync(work, { recursive: true, force: true });
    const left = leftovers(prefix);
    const all = [...left.netns, ...left.mounts, ...left.tmpDirs];
    say(all.length === 0 ? "cleaned up: etcd members, namespaces, tmpfs and state removed" : `LEFT BEHIND: ${all.join(", ")}`);
    if (all.length > 0) failed = true;
  }
  if (failed) process.exitCode = 1;
}
