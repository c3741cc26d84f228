import { existsSync, mkdirSync, symlinkSync } from "node:fs";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { leftovers, runExecutable, createSandbox, type Sandbox } from "@tscni/testing";
import { distPath } from "@tscni/testing/repo";
import { diffState, snapshot, type HostState } from "./lib/host-state.js";
import { writeSection } from "./lib/report.js";
import { violation } from "./lib/outcome.js";
import { prefixFor } from "./lib/sizes.js";

// Inputs that try to get out: path separators, "..", spaces, shell metacharacters, very long
// values in CNI_IFNAME, CNI_CONTAINERID, the network name and the bridge name; huge and deeply
// nested stdin. Each must be rejected with the right code and a message naming the input, with
// nothing changed in the sandbox (links, addresses, routes, rules, files) and no command run.

const PREFIX = prefixFor("es");
type Plugin = "loopback" | "host-local" | "bridge";
const PLUGINS: Plugin[] = ["loopback", "host-local", "bridge"];

let sb: Sandbox;
let work: string;
let pluginDir: string;
let pwned: string;
let baseline: HostState;
let cases = 0;

beforeAll(async () => {
  sb = await createSandbox({ prefix: PREFIX });
  work = join(sb.tmpDir, "deep", "er", "work");
  mkdirSync(join(work, "ipam"), { recursive: true });
  pluginDir = join(sb.tmpDir, "bin");
  mkdirSync(pluginDir);
  symlinkSync(distPath("host-local"), join(pluginDir, "host-local"));
  pwned = join(sb.tmpDir, "pwned");
  baseline = await snap();
});

afterAll(async () => {
  writeSection({ section: "escape-inputs", cases, faults: 0, leaks: 0, details: { plugins: PLUGINS } });
  await sb?.cleanup();
  expect(leftovers(PREFIX)).toEqual({ netns: [], mounts: [], tmpDirs: [] });
});

const snap = () => snapshot([sb.host.name, sb.container.name], [sb.tmpDir]);

function conf(plugin: Plugin, over: Record<string, unknown> = {}): Record<string, unknown> {
  const ipam = { type: "host-local", dataDir: join(work, "ipam"), ranges: [[{ subnet: "10.81.0.0/24" }]] };
  const base: Record<string, unknown> =
    plugin === "loopback"
      ? { cniVersion: "1.1.0", name: "thdesc", type: "loopback" }
      : plugin === "host-local"
        ? { cniVersion: "1.1.0", name: "thdesc", type: "x", ipam }
        : { cniVersion: "1.1.0", name: "thdesc", type: "bridge", bridge: "thdes0", isGateway: true, stateDir: join(work, "state"), ipam };
  return { ...base, ...over };
}

interface Call {
  command?: string;
  containerId?: string;
  ifname?: string;
  stdin: string | object;
}

async function call(plugin: Plugin, c: Call) {
  const env: Record<string, string> = {
    CNI_COMMAND: c.command ?? "ADD",
    CNI_CONTAINERID: c.containerId ?? "thdesc1",
    CNI_IFNAME: c.ifname ?? "eth0",
    CNI_NETNS: sb.container.path,
    CNI_PATH: pluginDir,
  };
  return runExecutable(distPath(plugin), { env, stdin: c.stdin, netns: sb.host.name, timeoutMs: 30_000 });
}

/** Rejected with `code`, a message matching `msg`, and no trace in the sandbox. */
async function expectRejected(plugin: Plugin, c: Call, code: number, msg: RegExp): Promise<void> {
  cases++;
  const r = await call(plugin, c);
  expect(violation(c.command ?? "ADD", r), r.stdout).toBeUndefined();
  expect(r.exitCode, r.stdout).toBe(1);
  const e = JSON.parse(r.stdout) as { code: number; msg: string; details?: string };
  expect(e.code, r.stdout).toBe(code);
  expect(`${e.msg} ${e.details ?? ""}`).toMatch(msg);
  expect(existsSync(pwned), "no shell ran").toBe(false);
  const after = await snap();
  // host-local's round-robin cursor and allocation index (and their dirs) may move when IPAM
  // ran before the rejection; no reservation, link, route or rule may.
  const changed = diffState(baseline, after)
    .split("\n")
    .filter((l) => l !== "" && !/\/ipam\/[^ ]*(\/|\/last_reserved_ip\.\d+ .*|\/\.[^ ]*( .*)?)$/.test(l));
  expect(changed).toEqual([]);
}

const P = () => pwned;
const hostile = (): string[] => [
  "a/b", "../../../../tmp", "..", ".", "a b", "a\tb", `$(touch ${P()})`, `\`touch ${P()}\``, `x;touch ${P()}`, `x|touch ${P()}`,
  `x&&touch ${P()}`, "x\ny", "-rf", "*", "x".repeat(5000), "é", "a:b",
];

describe.each(PLUGINS)("%s rejects hostile input with no side effect", (plugin) => {
  for (const verb of ["ADD", "DEL"]) {
    it(`${verb}: CNI_IFNAME with separators, traversal, metacharacters, > 15 bytes`, async () => {
      for (const v of [...hostile(), "e".repeat(16)].filter((v) => v !== "é" && !/^[a-z-]+$/.test(v) && v !== "*")) {
        await expectRejected(plugin, { command: verb, ifname: v, stdin: conf(plugin) }, 4, /interface name/i);
      }
    });
    it(`${verb}: CNI_CONTAINERID with separators, traversal, metacharacters`, async () => {
      for (const v of hostile().filter((v) => !/^[a-z]+$/.test(v) && !/^x+$/.test(v))) {
        await expectRejected(plugin, { command: verb, containerId: v, stdin: conf(plugin) }, 4, /containerID/);
      }
    });
    it(`${verb}: network names that would leave dataDir`, async () => {
      for (const v of [...hostile(), "/abs/name", "../escape", join("..", "..", "..", "..", "pwn")].filter((v) => !/^[a-z]+$/.test(v) && !/^x+$/.test(v))) {
        await expectRejected(plugin, { command: verb, stdin: conf(plugin, { name: v }) }, 7, /network name/);
      }
    });
  }
  it("stdin over 4 MiB, deeply nested JSON, binary garbage: decode errors", async () => {
    const big = JSON.stringify({ ...conf(plugin), pad: "p".repeat(5 * 2 ** 20) });
    await expectRejected(plugin, { stdin: big }, 6, /stdin larger than/);
    await expectRejected(plugin, { stdin: "[".repeat(200_000) + "]".repeat(200_000) }, 6, /decod/);
    await expectRejected(plugin, { stdin: Buffer.from([0xff, 0xfe, 0x00, 0x01, 0x7b]).toString("latin1") }, 6, /decod/);
  });
});

describe("bridge and host-local config keys that would escape", () => {
  it("bridge names with separators, traversal, metacharacters, > 15 bytes", async () => {
    for (const v of [...hostile(), "b".repeat(16)].filter((v) => !/^[a-z-]+$/.test(v) && v !== "é" && v !== "*" && !/^x+$/.test(v))) {
      await expectRejected("bridge", { stdin: conf("bridge", { bridge: v }) }, 7, /bridge/i);
    }
  });
  it("host-local dataDir with .. or relative", async () => {
    for (const d of [`${work}/../../escaped`, "relative/dir", "../up"]) {
      const c = conf("host-local");
      c.ipam = { ...(c.ipam as object), dataDir: d };
      await expectRejected("host-local", { stdin: c }, 7, /dataDir/);
    }
  });
});
