// host-local: tscni vs Go v1.1.1 side by side (startup, empty /24, 10k / 60k reservations,
// 32 concurrent ADDs) and tscni's GC of 10k stale reservations (Go 1.1.1 has no GC).
// host-local touches only files, so it runs directly; CNI_NETNS names a throwaway netns.
import { spawnSync } from "node:child_process";
import { mkdirSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { createNetns, deleteNetns, type Netns } from "@tscni/testing";
import { distPath } from "@tscni/testing/repo";
import { stats, type BenchCase, type BenchSection } from "../framework.js";
import { helloWorld } from "../floors.js";
import { installedNodeBundle } from "../node-bundles.js";

const GO = "/usr/lib/cni/host-local";
const OURS = () => distPath("host-local", "standalone");
const OURS_NODE = () => installedNodeBundle("host-local");
const NO_ENV_NOTE = "children get only PATH and the CNI_* variables: NODE_EXTRA_CA_CERTS and NODE_OPTIONS are unset";

let ns: Netns | undefined;
let work = "";
let users = 0;

/** One throwaway netns (only a CNI_NETNS path) and temp dir shared by the sections that run. */
async function acquire(): Promise<void> {
  if (users++ > 0) return;
  ns = await createNetns("tbh-", "hl");
  work = mkdtempSync(join(tmpdir(), "tbh-hl-"));
}
async function release(): Promise<void> {
  if (--users > 0) return;
  rmSync(work, { recursive: true, force: true });
  if (ns) await deleteNetns(ns.name);
  ns = undefined;
}

function conf(dataDir: string, subnet: string, cniVersion = "1.0.0", extra: object = {}): string {
  return JSON.stringify({ cniVersion, name: "net", type: "host-local", ...extra, ipam: { type: "host-local", dataDir, ranges: [[{ subnet }]] } });
}

function env(command: string, id = "bench"): Record<string, string> {
  return { CNI_COMMAND: command, CNI_CONTAINERID: id, CNI_NETNS: ns!.path, CNI_IFNAME: "eth0", CNI_PATH: "/usr/lib/cni" };
}

/** One untimed plugin call; throws on failure so a broken run never produces a number. */
function call(bin: string, command: string, stdin: string, id = "bench"): string {
  const r = spawnSync(bin, [], { env: { PATH: process.env.PATH, ...env(command, id) }, input: stdin, encoding: "utf8" });
  if (r.status !== 0) throw new Error(`${bin} ${command}: ${r.stdout}${r.stderr}`);
  return r.stdout;
}

const v4 = (n: number) => `${n >>> 24}.${(n >>> 16) & 255}.${(n >>> 8) & 255}.${n & 255}`;
const BASE_16 = (10 << 24) | (128 << 16); // 10.128.0.0/16

/**
 * Writes `count` reservations in Go's format straight into <dataDir>/net: one file per IP
 * (10.128.0.2 upwards, .1 is the gateway) holding "<64 hex id>\r\neth0", plus last_reserved_ip.0.
 */
function populate(dataDir: string, count: number, idPrefix = "c"): void {
  const dir = join(dataDir, "net");
  mkdirSync(dir, { recursive: true });
  let last = "";
  for (let i = 0; i < count; i++) {
    last = v4(BASE_16 + 2 + i);
    writeFileSync(join(dir, last), `${idPrefix}${i.toString(16).padStart(63, "0")}\r\neth0`);
  }
  if (last) writeFileSync(join(dir, "last_reserved_ip.0"), last);
}

/** Files named like IPs in <dataDir>/net. */
function reservationCount(dataDir: string): number {
  try {
    return readdirSync(join(dataDir, "net")).filter((n) => /^[0-9a-f.:]+$/.test(n) && n.includes(".")).length;
  } catch {
    return 0;
  }
}

/** ADD timed, DEL of the same implementation untimed afterwards, so the store is the same for every run. */
function addCase(name: string, bin: string, stdin: string, extra: Partial<BenchCase> = {}): BenchCase {
  return { name, argv: [bin], env: env("ADD"), stdin, after: () => void call(bin, "DEL", stdin), ...extra };
}

const version: BenchSection = {
  id: "host-local/version",
  title: "host-local startup (VERSION): tscni vs Go v1.1.1",
  baseline: "go VERSION",
  floor: "spawn floor (/bin/true)",
  runs: 40,
  notes: [NO_ENV_NOTE],
  async setup() {
    const e = { CNI_COMMAND: "VERSION" };
    return [
      { name: "spawn floor (/bin/true)", argv: ["/bin/true"], env: e },
      { name: "go VERSION", argv: [GO], env: e },
      { name: "tscni standalone VERSION", argv: [OURS()], env: e },
      { name: "tscni node bundle VERSION", argv: [OURS_NODE()], env: e },
    ];
  },
};

// ADD then DEL in one timed case: a constant sh script, the binary and config path are its arguments.
const ADD_DEL_SCRIPT = 'CNI_COMMAND=ADD "$0" < "$1" > /dev/null && CNI_COMMAND=DEL exec "$0" < "$1"';

const empty24: BenchSection = {
  id: "host-local/24",
  title: "host-local ADD+DEL on an empty /24: tscni vs Go v1.1.1",
  baseline: "go ADD+DEL",
  floor: "sh floor (/bin/true twice)",
  runs: 40,
  notes: [
    "one timed case = sh running ADD then DEL (the same sh wrapper for every row; the floor row runs /bin/true twice through it)",
    "each implementation has its own dataDir; the store is empty again after every run",
    NO_ENV_NOTE,
  ],
  async setup() {
    await acquire();
    const cases: BenchCase[] = [];
    const pair = (name: string, bin: string): BenchCase => {
      const dataDir = join(work, `empty24-${name.replace(/\W+/g, "-")}`);
      const file = join(dataDir, "conf.json");
      mkdirSync(dataDir, { recursive: true });
      writeFileSync(file, conf(dataDir, "10.129.0.0/24"));
      return {
        name, argv: ["sh", "-c", ADD_DEL_SCRIPT, bin, file], env: { ...env("ADD"), CNI_COMMAND: "" },
        after: () => {
          if (reservationCount(dataDir) !== 0) throw new Error(`${name}: DEL left a reservation`);
        },
      };
    };
    cases.push(pair("sh floor (/bin/true twice)", "/bin/true"));
    cases.push(pair("go ADD+DEL", GO));
    cases.push(pair("tscni standalone ADD+DEL", OURS()));
    cases.push(pair("tscni node bundle ADD+DEL", OURS_NODE()));
    return cases;
  },
  teardown: release,
};

function scale(count: number, runs: number): BenchSection {
  const k = `${count / 1000}k`;
  return {
    id: `host-local/${k}`,
    title: `host-local ADD with ${count.toLocaleString("en")} existing reservations in a /16: tscni vs Go v1.1.1`,
    baseline: "go ADD",
    runs,
    warmup: 2,
    notes: [
      `the stores are written directly in Go's format (${count} files "<id>\\r\\neth0" + last_reserved_ip.0), one copy per implementation`,
      "each timed ADD is followed by an untimed DEL of the same implementation, so every run sees the same store",
      "tscni warm: the store's index is current (only tscni wrote since it was last built)",
      "tscni cold: an untimed Go ADD+DEL on tscni's store right before, so tscni must fall back to a full scan (and rebuilds its index)",
      NO_ENV_NOTE,
    ],
    async setup() {
      await acquire();
      const mk = (tag: string) => {
        const d = join(work, `${k}-${tag}`);
        populate(d, count);
        return { d, stdin: conf(d, "10.128.0.0/16") };
      };
      const go = mk("go");
      const ours = mk("ours");
      const node = mk("node");
      return [
        addCase("go ADD", GO, go.stdin),
        addCase("tscni standalone ADD (warm)", OURS(), ours.stdin),
        addCase("tscni node bundle ADD (warm)", OURS_NODE(), node.stdin),
        addCase("tscni standalone ADD (cold, after Go wrote)", OURS(), ours.stdin, {
          before: () => {
            const s = conf(ours.d, "10.128.0.0/16");
            call(GO, "ADD", s, "go-intruder");
            call(GO, "DEL", s, "go-intruder");
          },
        }),
      ];
    },
    teardown: release,
  };
}

const CONCURRENT = 32;
// Starts N ADDs at once (container IDs c1..cN), waits for all; a constant script, inputs as arguments.
const CONCURRENT_SCRIPT = 'i=0; while [ $i -lt "$2" ]; do i=$((i+1)); CNI_CONTAINERID=c$i "$0" < "$1" > /dev/null & done; wait';

/** `CONCURRENT` ADDs at once, per implementation; `prefill` reservations in a /16 or an empty /24. */
const CONCURRENT_HELLO = `floor: ${CONCURRENT} Bun hello worlds`;

function concurrent(prefill: number): BenchSection {
  const tag = prefill ? `${prefill / 1000}k` : "";
  const where = prefill ? `${prefill.toLocaleString("en")} existing reservations in a /16` : "empty /24";
  return {
    id: `host-local/concurrent${tag ? `-${tag}` : ""}`,
    title: `host-local: wall time of ${CONCURRENT} concurrent ADDs (${where}): tscni vs Go v1.1.1`,
    baseline: `go ${CONCURRENT} ADDs`,
    runs: prefill ? 5 : 10,
    warmup: prefill ? 1 : 2,
    notes: [
      `one timed case = sh starting ${CONCURRENT} ADDs in the background and waiting for all; afterwards (untimed) the store must hold ${CONCURRENT} new distinct reservations`,
      prefill
        ? "then the same implementation DELs them (untimed), so every run sees the same store"
        : "then the store is removed, so every run starts from an empty one",
      "Go serialises its calls with an flock on <dataDir>/net/lock; tscni takes no lock (exclusive link() per address)",
      ...(prefill
        ? []
        : [
            `floor rows: the same ${CONCURRENT} starts with CNI_COMMAND=VERSION, i.e. only start and exit of each process, no store work; and ${CONCURRENT} Bun hello worlds (our flags)`,
          ]),
      NO_ENV_NOTE,
    ],
    async setup() {
      await acquire();
      const mk = (name: string, bin: string): BenchCase => {
        const dataDir = join(work, `conc${tag}-${name.replace(/\W+/g, "-")}`);
        const file = join(dataDir, "conf.json");
        mkdirSync(dataDir, { recursive: true });
        if (prefill) populate(dataDir, prefill);
        const stdin = conf(dataDir, prefill ? "10.128.0.0/16" : "10.130.0.0/24");
        writeFileSync(file, stdin);
        return {
          name, argv: ["sh", "-c", CONCURRENT_SCRIPT, bin, file, String(CONCURRENT)], env: env("ADD"),
          after: () => {
            const n = reservationCount(dataDir) - prefill;
            if (prefill) for (let i = 1; i <= CONCURRENT; i++) call(bin, "DEL", stdin, `c${i}`);
            else rmSync(join(dataDir, "net"), { recursive: true, force: true });
            if (n !== CONCURRENT) throw new Error(`${name}: ${n} new reservations after ${CONCURRENT} ADDs`);
            if (prefill && reservationCount(dataDir) !== prefill) throw new Error(`${name}: DEL left reservations`);
          },
        };
      };
      const cases = [mk(`go ${CONCURRENT} ADDs`, GO), mk(`tscni standalone ${CONCURRENT} ADDs`, OURS())];
      if (prefill) return cases;
      // The floor under any work: the same script, VERSION only (process start and exit).
      const floor = (name: string, bin: string): BenchCase => ({
        name, argv: ["sh", "-c", CONCURRENT_SCRIPT, bin, "/dev/null", String(CONCURRENT)], env: { ...env("ADD"), CNI_COMMAND: "VERSION" },
      });
      return [
        ...cases,
        floor(`floor: go ${CONCURRENT} VERSIONs`, GO),
        floor(`floor: tscni ${CONCURRENT} VERSIONs`, OURS()),
        floor(CONCURRENT_HELLO, await helloWorld()),
      ];
    },
    // Issue 14's rule: ours / Go <= 1.1x the floor ratio; here the floor started the same way (32 at once).
    summary: prefill
      ? undefined
      : (rows) => {
          const row = (n: string) => rows.find((r) => r.name === n)?.median ?? NaN;
          const floorRatio = row(CONCURRENT_HELLO) / row(`floor: go ${CONCURRENT} VERSIONs`);
          const ours = row(`tscni standalone ${CONCURRENT} ADDs`) / row(`go ${CONCURRENT} ADDs`);
          return [`floor ratio, ${CONCURRENT} at once (hello worlds / Go VERSIONs): ${floorRatio.toFixed(2)}x; ours / Go: ${ours.toFixed(2)}x = ${(ours / floorRatio).toFixed(2)}x the floor ratio (target <= 1.10x)`];
        },
    teardown: release,
  };
}

const STALE = 10_000;
const gcNotes: string[] = [];

const gc: BenchSection = {
  id: "host-local/gc",
  title: `host-local GC of ${STALE.toLocaleString("en")} stale reservations (tscni only; target < 1 s)`,
  runs: 8,
  warmup: 1,
  notes: gcNotes,
  async setup() {
    await acquire();
    gcNotes.length = 0;
    const dataDir = join(work, "gc");
    // GC (CNI 1.1) with one valid attachment: everything else is stale.
    const stdin = conf(dataDir, "10.128.0.0/16", "1.1.0", { "cni.dev/valid-attachments": [{ containerID: "keep", ifname: "eth0" }] });
    const fill = () => {
      rmSync(join(dataDir, "net"), { recursive: true, force: true });
      populate(dataDir, STALE);
    };
    const check = () => {
      if (reservationCount(dataDir) !== 0) throw new Error("GC left stale reservations");
    };
    // What Go 1.1.1 answers to GC, and the only Go-side equivalent: one DEL per stale attachment.
    fill();
    const g = spawnSync(GO, [], { env: { PATH: process.env.PATH, ...env("GC") }, input: stdin, encoding: "utf8" });
    gcNotes.push(`Go 1.1.1 has no GC verb: it answers exit ${g.status}, ${g.stdout.trim().replace(/\s+/g, " ")}`);
    const dels: number[] = [];
    for (let i = 0; i < 3; i++) {
      const t0 = process.hrtime.bigint();
      call(GO, "DEL", conf(dataDir, "10.128.0.0/16"), `c${i.toString(16).padStart(63, "0")}`);
      dels.push(Number(process.hrtime.bigint() - t0) / 1e6);
    }
    const del = stats("go DEL", dels).median;
    gcNotes.push(
      `Go-side equivalent = one DEL per stale attachment; Go DEL on this ${STALE}-file store measured ${del.toFixed(0)} ms (median of 3), ` +
        `so ${STALE} DELs would take about ${((del * STALE) / 1000 / 60).toFixed(0)} min (estimated, not run)`,
    );
    gcNotes.push(`every run refills the store (untimed) and checks afterwards that no stale reservation is left; ${NO_ENV_NOTE}`);
    return [
      { name: "tscni standalone GC", argv: [OURS()], env: env("GC"), stdin, before: fill, after: check },
      { name: "tscni node bundle GC", argv: [OURS_NODE()], env: env("GC"), stdin, before: fill, after: check },
    ];
  },
  teardown: release,
};

export const sections: BenchSection[] = [version, empty24, scale(10_000, 10), scale(60_000, 6), concurrent(0), concurrent(10_000), gc];
