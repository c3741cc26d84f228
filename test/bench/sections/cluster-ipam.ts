// cluster-ipam: 1,000 ADDs from 4 nodes, 32 in flight in total, against a real three-member
// etcd cluster in throwaway netns; host-local doing 1,000 on one node with 32 in flight is
// the yardstick. Reports wall time, p50/p99 per ADD, and etcd requests per ADD.
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { createNetns, deleteNetns, type Netns } from "@tscni/testing";
import { distPath } from "@tscni/testing/repo";
import { EtcdCluster } from "@tscni/testing/etcd";
import type { ConcurrentCase, BenchSection } from "../framework.js";

const PREFIX = "tbc-";
const TOTAL = 1000;
const IN_FLIGHT = 32;
const KEY_PREFIX = "/tscni/bench";
let etcd: EtcdCluster | undefined;
let nodes: Netns[] = [];
let hostLocalNs: Netns | undefined;
/** CNI_NETNS of every call: IPAM never enters it, but skel wants it to be a netns other than the plugin's. */
let container: Netns | undefined;
let work = "";

const nsenter = (ns: Netns, bin: string) => ["nsenter", `--net=${ns.path}`, "--", bin];
const env = (id: string, extra: Record<string, string> = {}) => ({
  CNI_COMMAND: "ADD", CNI_CONTAINERID: id, CNI_NETNS: container!.path, CNI_IFNAME: "eth0", CNI_PATH: "/nonexistent", ...extra,
});
const addressOf = (stdout: string): string => (JSON.parse(stdout) as { ips: Array<{ address: string }> }).ips[0]!.address;

/** Every ADD of a round got its own address (from the outputs), and the store agrees. */
function distinct(name: string, seen: Set<string>, i: number, stdout: string): void {
  const a = addressOf(stdout);
  if (seen.has(a)) throw new Error(`${name}: ${a} handed out twice (call ${i})`);
  seen.add(a);
}

function hostLocalCase(): ConcurrentCase {
  const seen = new Set<string>();
  let round = 0;
  const dataDir = join(work, "host-local");
  const stdin = JSON.stringify({ cniVersion: "1.1.0", name: "bench", type: "host-local", ipam: { type: "host-local", dataDir, ranges: [[{ subnet: "10.77.0.0/16" }]] } });
  return {
    name: "host-local, 1 node",
    total: TOTAL,
    inFlight: IN_FLIGHT,
    call: (i) => ({ argv: nsenter(hostLocalNs!, distPath("host-local")), env: env(`h${round}-${i}`), stdin }),
    check: (i, out) => distinct("host-local", seen, i, out),
    before: () => {
      rmSync(dataDir, { recursive: true, force: true });
      seen.clear();
    },
    after: () => {
      round++;
      if (seen.size !== TOTAL) throw new Error(`host-local: ${seen.size} distinct addresses of ${TOTAL}`);
    },
  };
}

function clusterCase(name: string, onNodes: () => Netns[]): ConcurrentCase {
  const seen = new Set<string>();
  const requests: number[] = [];
  let auth = 0;
  let round = 0;
  const network = `bench-${name.replace(/\W+/g, "")}`;
  const stats = join(work, `${network}.stats`);
  const conf = (i: number) =>
    JSON.stringify({
      cniVersion: "1.1.0", name: network, type: "cluster-ipam",
      ipam: { type: "cluster-ipam", etcd: { endpoints: etcd!.endpoints, prefix: KEY_PREFIX, timeoutMs: 10_000 }, ranges: [[{ subnet: "10.78.0.0/16" }]], blockSize: 26, nodeName: `node-${i % onNodes().length}` },
    });
  return {
    name,
    total: TOTAL,
    inFlight: IN_FLIGHT,
    call: (i) => {
      const ns = onNodes()[i % onNodes().length]!;
      return { argv: nsenter(ns, distPath("cluster-ipam")), env: env(`c${round}-${i}`, { TSCNI_ETCD_STATS: stats }), stdin: conf(i) };
    },
    check: (i, out) => distinct(name, seen, i, out),
    before: async () => {
      await etcd!.etcdctl(["del", "--prefix", `${KEY_PREFIX}/${network}/`]); // every round starts from an empty pool
      writeFileSync(stats, "");
      seen.clear();
    },
    after: async () => {
      round++;
      for (const line of readFileSync(stats, "utf8").trim().split("\n")) {
        const [, req, au] = line.split(" ");
        requests.push(Number(req));
        auth += Number(au);
      }
      const keys = [...(await etcd!.dump(`${KEY_PREFIX}/${network}/`)).keys()];
      const allocs = keys.filter((k) => k.includes("/nodes/") && k.split("/").length === 8);
      const ips = new Set(allocs.map((k) => k.split("/").at(-1)));
      if (seen.size !== TOTAL || allocs.length !== TOTAL || ips.size !== TOTAL)
        throw new Error(`${name}: ${seen.size} distinct results, ${allocs.length} allocation keys, ${ips.size} distinct addresses for ${TOTAL} ADDs`);
    },
    report: () => {
      const n = requests.length;
      const mean = requests.reduce((a, b) => a + b, 0) / (n || 1);
      const by = (f: (r: number) => boolean) => requests.filter(f).length;
      return [
        `etcd requests per ADD: mean ${mean.toFixed(2)}, ${by((r) => r <= 2)} of ${n} ADDs took <= 2, ${by((r) => r === 3)} took 3 (a new block), ${by((r) => r > 3)} more (lost races), max ${Math.max(...requests)}; auth requests ${auth}`,
        `no duplicate: ${TOTAL} distinct addresses and ${TOTAL} allocation keys per round`,
      ];
    },
  };
}

export const section: BenchSection = {
  id: "cluster-ipam",
  title: `cluster-ipam: ${TOTAL} ADDs, ${IN_FLIGHT} in flight, against a three-member etcd (host-local on one node as the yardstick)`,
  baseline: "host-local, 1 node",
  runs: 2,
  notes: [
    "every call runs through nsenter into a throwaway netns (cluster-ipam: its node's, on the etcd fabric; host-local: its own), so both pay the same wrapper",
    "etcd: three members (Debian's 3.4) in their own netns, data on tmpfs, reached over veths; each round starts from an empty pool (block claims included)",
    "latency = spawn to exit of each ADD; children get only PATH and the CNI_* variables (NODE_EXTRA_CA_CERTS unset)",
    "target: cluster-ipam p99 <= 3x host-local's p99; no duplicate ever (each round checks the outputs and the store)",
  ],
  async concurrent() {
    etcd = await EtcdCluster.start({ prefix: PREFIX });
    work = mkdtempSync(join(tmpdir(), `${PREFIX}w-`));
    nodes = [];
    for (let i = 0; i < 4; i++) nodes.push((await etcd.addNode()).netns);
    hostLocalNs = await createNetns(PREFIX, "hl");
    container = await createNetns(PREFIX, "c");
    return [hostLocalCase(), clusterCase("cluster-ipam, 4 nodes", () => nodes), clusterCase("cluster-ipam, 1 node", () => nodes.slice(0, 1))];
  },
  async teardown() {
    if (hostLocalNs) await deleteNetns(hostLocalNs.name);
    if (container) await deleteNetns(container.name);
    await etcd?.stop();
    rmSync(work, { recursive: true, force: true });
  },
};
