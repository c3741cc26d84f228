// loopback ADD: tscni (standalone and node bundle) vs Go v1.1.1, side by side.
// Plugins run via nsenter inside a throwaway "host" netns; CNI_NETNS is a throwaway
// container netns. The machine's own netns is never touched.
import { spawnSync } from "node:child_process";
import { createNetns, deleteNetns, type Netns } from "@tscni/testing";
import { distPath } from "@tscni/testing/repo";
import type { BenchCase, BenchSection, CaseStats } from "../framework.js";
import { floorProgram, helloWorld } from "../floors.js";
import { installedNodeBundle } from "../node-bundles.js";

const GO_LOOPBACK = "/usr/lib/cni/loopback";
let host: Netns | undefined;
let container: Netns | undefined;

const GO_ADD = "go loopback ADD";
const OURS = "tscni standalone ADD";
const MINIMAL = "floor: minimal Bun loopback ADD";
const HELLO = "floor: Bun hello world";
const GO_VERSION = "floor: Go loopback VERSION";

const conf = JSON.stringify({ cniVersion: "1.0.0", name: "bench-lo", type: "loopback" });
const env = (command: string): Record<string, string> => ({
  CNI_COMMAND: command, CNI_CONTAINERID: "bench", CNI_NETNS: container!.path, CNI_IFNAME: "lo", CNI_PATH: "/usr/lib/cni",
});
const inHost = (argv: string[]) => ["nsenter", `--net=${host!.path}`, "--", ...argv];

/** Untimed DEL (lo down) so every timed ADD really brings lo up. */
function loDown(): void {
  const r = spawnSync("nsenter", [`--net=${host!.path}`, "--", GO_LOOPBACK], { env: { PATH: process.env.PATH, ...env("DEL") }, input: conf });
  if (r.status !== 0) throw new Error(`loopback DEL: ${r.stdout}${r.stderr}`);
}

/** ADD must leave lo up in the container netns: a broken plugin fails the bench instead of timing nothing. */
function assertLoUp(): void {
  const r = spawnSync("ip", ["-n", container!.name, "-json", "link", "show", "lo"], { encoding: "utf8" });
  const link = (JSON.parse(r.stdout || "[]") as Array<{ flags?: string[] }>)[0];
  if (!link?.flags?.includes("UP")) throw new Error("lo is not up after ADD");
}

export const section: BenchSection = {
  id: "loopback",
  title: "loopback ADD: tscni vs Go v1.1.1",
  baseline: GO_ADD,
  floor: "nsenter floor (/bin/true)",
  runs: 40,
  warmup: 5,
  notes: [
    "every row runs via nsenter --net=<throwaway host netns>; the floor row is nsenter + /bin/true (the harness's fork/exec/nsenter cost)",
    "each timed ADD is preceded by an untimed DEL (lo down), so ADD does its real work; lo is checked up after each ADD",
    `${MINIMAL}: test/bench/tools/fixtures/min-loopback.ts built with our flags: stdin by read(2), netConfSchema, lo up by one netlink request, the result by write(2); no skel, node:fs or @tscni/net`,
    "the hello world and Go's VERSION run through nsenter too, so the floor ratio below counts the same harness as the ADD rows",
    "children get only PATH and the CNI_* variables: NODE_EXTRA_CA_CERTS and NODE_OPTIONS are unset",
  ],
  async setup() {
    host = await createNetns("tbh-", "lh");
    container = await createNetns("tbh-", "lc");
    const add = (name: string, argv: string[]): BenchCase => ({
      name, argv: inHost(argv), env: env("ADD"), stdin: conf, before: loDown, after: assertLoUp,
    });
    const minimal = await floorProgram("min-loopback");
    return [
      { name: "nsenter floor (/bin/true)", argv: inHost(["/bin/true"]), env: env("ADD") },
      add(GO_ADD, [GO_LOOPBACK]),
      add(OURS, [distPath("loopback", "standalone")]),
      add("tscni node bundle ADD", [installedNodeBundle("loopback")]),
      add(MINIMAL, [minimal]),
      { name: HELLO, argv: inHost([await helloWorld()]), env: env("VERSION") },
      { name: GO_VERSION, argv: inHost([GO_LOOPBACK]), env: env("VERSION") },
    ];
  },
  // Issue 14's rule: ours / Go <= 1.1x the floor ratio (hello world / Go VERSION) of the same run.
  summary(rows) {
    const m = (n: string) => rows.find((r: CaseStats) => r.name === n)?.median ?? NaN;
    const floor = m(HELLO) / m(GO_VERSION);
    const line = (n: string) => `${n}: ${(m(n) / m(GO_ADD)).toFixed(2)}x Go = ${(m(n) / m(GO_ADD) / floor).toFixed(2)}x the floor ratio`;
    return [`floor ratio (hello world / Go VERSION, both through nsenter): ${floor.toFixed(2)}x; target <= 1.10x it`, line(OURS), line(MINIMAL)];
  },
  async teardown() {
    if (container) await deleteNetns(container.name);
    if (host) await deleteNetns(host.name);
    container = host = undefined;
  },
};
