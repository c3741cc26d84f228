import { join, resolve } from "node:path";
import fc from "fast-check";

export type PluginName = "loopback" | "host-local" | "bridge";
export const VERBS = ["ADD", "DEL", "CHECK", "STATUS", "GC", "INIT", "DEINIT", "VERSION"] as const;
const VERSIONS = ["0.1.0", "0.2.0", "0.3.0", "0.3.1", "0.4.0", "1.0.0", "1.1.0"];

/** Where a fuzz case may point: only things inside the sandbox. */
export interface FuzzWorld {
  /** Everything a case may write lives under here (cwd of the plugins too). */
  work: string;
  /** CNI_PATH dir: only our host-local (no system dir: a fuzzed ipam.type must not find real programs). */
  pluginDir: string;
  /** A container netns path of the sandbox. */
  containerNetns: string;
}

export interface FuzzCase {
  env: Record<string, string>;
  stdin: string;
}

/** Strings that break naive code: separators, traversal, shell metacharacters, control bytes, length. */
export const NASTY = [
  "", " ", "..", ".", "/", "a/b", "../../../../etc/passwd", "..%2f..", "a b", "$(touch /tmp/thd-pwned)", "`id`",
  ";reboot", "|cat", "&&", "a\nb", "a\rb", "tab\there", "\u0000", "x\u0000y", "é漢字", "\u202e", "-rf", "--help",
  "%s%n", "\\", "'", '"', "{}", "[]", "null", "0", "-1", "1e309", "x".repeat(16), "y".repeat(300), "z".repeat(5000),
  "eth0:1", "eth0.5", "lo", "*", "?", "~", "${PATH}",
];

const nasty = fc.constantFrom(...NASTY);
const anyString = fc.oneof({ weight: 3, arbitrary: nasty }, { weight: 2, arbitrary: fc.string({ maxLength: 40 }) }, { weight: 1, arbitrary: fc.string({ unit: "binary", maxLength: 40 }) });
const validId = fc.stringMatching(/^[a-zA-Z0-9][a-zA-Z0-9_.-]{0,30}$/);

/** A value of any JSON type, biased to the ones configs use. */
const jsonish: fc.Arbitrary<unknown> = fc.oneof(
  { weight: 3, arbitrary: anyString },
  { weight: 2, arbitrary: fc.oneof(fc.integer(), fc.constantFrom(0, -1, 1, 68, 4094, 4095, 65536, 2 ** 31, 2 ** 53, 1.5, Number.MAX_VALUE)) },
  { weight: 2, arbitrary: fc.boolean() },
  { weight: 1, arbitrary: fc.constant(null) },
  { weight: 1, arbitrary: fc.jsonValue({ maxDepth: 2 }) },
  { weight: 1, arbitrary: fc.constantFrom("10.77.0.0/24", "10.77.0.5", "fd77::/64", "::ffff:10.0.0.1", "0.0.0.0/0", "255.255.255.255/32", "10.77.0.0/31", "1.1.1.1/8") },
);

function baseConfig(plugin: PluginName, w: FuzzWorld, version: string): Record<string, unknown> {
  const ipam = {
    type: "host-local",
    dataDir: join(w.work, "ipam"),
    ranges: [[{ subnet: "10.77.0.0/24", rangeStart: "10.77.0.10", rangeEnd: "10.77.0.50", gateway: "10.77.0.1" }], [{ subnet: "fd77::/64" }]],
    routes: [{ dst: "0.0.0.0/0" }, { dst: "192.168.77.0/24", gw: "10.77.0.1" }],
    resolvConf: join(w.work, "resolv.conf"),
  };
  if (plugin === "loopback") return { cniVersion: version, name: "thdnet", type: "loopback" };
  if (plugin === "host-local") return { cniVersion: version, name: "thdnet", type: "thd-test", ipam };
  return {
    cniVersion: version,
    name: "thdnet",
    type: "bridge",
    bridge: "thdbr0",
    isGateway: true,
    isDefaultGateway: false,
    ipMasq: false,
    hairpinMode: false,
    mtu: 1400,
    stateDir: join(w.work, "state"),
    ipam,
  };
}

type Mutation = { at: number; op: "delete" | "set" | "append" | "wrap"; value: unknown };
const mutation: fc.Arbitrary<Mutation> = fc.record({
  at: fc.nat(),
  op: fc.constantFrom("delete", "set", "set", "append", "wrap"),
  value: jsonish,
});

/** Every [parent, key] in a JSON tree, root excluded. */
function slots(v: unknown, acc: Array<[Record<string, unknown> | unknown[], string | number]> = []) {
  if (Array.isArray(v)) v.forEach((x, i) => (acc.push([v, i]), slots(x, acc)));
  else if (v && typeof v === "object") for (const [k, x] of Object.entries(v)) acc.push([v as Record<string, unknown>, k]), slots(x, acc);
  return acc;
}

function applyMutation(root: Record<string, unknown>, m: Mutation): void {
  const all = slots(root);
  if (all.length === 0) return;
  const [parent, key] = all[m.at % all.length]!;
  const cur = (parent as Record<string | number, unknown>)[key];
  if (m.op === "delete") {
    if (Array.isArray(parent)) parent.splice(key as number, 1);
    else delete (parent as Record<string, unknown>)[key as string];
  } else if (m.op === "append" && typeof cur === "string" && typeof m.value === "string") {
    (parent as Record<string | number, unknown>)[key] = cur + m.value;
  } else if (m.op === "wrap") {
    (parent as Record<string | number, unknown>)[key] = [cur];
  } else {
    (parent as Record<string | number, unknown>)[key] = m.value;
  }
}

const PATH_KEYS = new Set(["dataDir", "stateDir", "logFile", "resolvConf"]);

/**
 * Keys that name files may hold anything, but must not point outside the sandbox: a
 * fuzzed "/etc" as dataDir is a valid config that would write to the real host. Paths
 * that escape are moved under work/escaped (the network-name escapes are tested elsewhere).
 */
export function confinePaths(v: unknown, work: string): void {
  if (Array.isArray(v)) return v.forEach((x) => confinePaths(x, work));
  if (!v || typeof v !== "object") return;
  const o = v as Record<string, unknown>;
  for (const [k, x] of Object.entries(o)) {
    if (PATH_KEYS.has(k) && typeof x === "string") {
      const abs = resolve(work, x.replace(/\0/g, ""));
      if (!(abs === work || abs.startsWith(work + "/")) || x.includes("/dev/") || x.startsWith("/proc") || x.startsWith("/sys"))
        o[k] = join(work, "escaped", x.replace(/\.\./g, "dd"));
    } else confinePaths(x, work);
  }
}

const prevResult = fc.oneof(
  fc.constant({ cniVersion: "1.1.0", interfaces: [{ name: "eth0", sandbox: "/x" }], ips: [{ address: "10.77.0.20/24", gateway: "10.77.0.1", interface: 0 }] }),
  fc.constant({ cniVersion: "0.3.1", ips: [{ version: "4", address: "10.77.0.20/24" }] }),
  jsonish,
);

function stdinArb(plugin: PluginName, w: FuzzWorld): fc.Arbitrary<string> {
  const mutated = fc
    .record({
      version: fc.oneof({ weight: 12, arbitrary: fc.constantFrom(...VERSIONS, "1.0.0", "1.1.0", "1.1.0") }, { weight: 1, arbitrary: anyString }),
      // A third of the configs stay valid, so the handlers' deeper paths run too.
      muts: fc.oneof(fc.constant([]), fc.array(mutation, { minLength: 1, maxLength: 3 }), fc.array(mutation, { minLength: 1, maxLength: 3 })),
      prev: fc.option(prevResult, { freq: 4 }),
      valid: fc.option(fc.array(fc.record({ containerID: fc.oneof(validId, nasty), ifname: fc.oneof(fc.constant("eth0"), nasty) }), { maxLength: 3 }), { freq: 3 }),
    })
    .map((drawn) => {
      // fast-check hands out the same object for a constant each time it is drawn: mutating it
      // in place would change every later case, so a case would depend on the ones before it.
      const { version, muts, prev, valid } = structuredClone(drawn);
      const conf = baseConfig(plugin, w, version);
      if (prev !== null) conf.prevResult = prev;
      if (valid !== null) conf["cni.dev/valid-attachments"] = valid;
      for (const m of muts) applyMutation(conf, m);
      confinePaths(conf, w.work);
      return JSON.stringify(conf);
    });
  return fc.oneof(
    { weight: 16, arbitrary: mutated },
    { weight: 1, arbitrary: fc.jsonValue().map((v) => JSON.stringify(v) ?? "") },
    { weight: 1, arbitrary: fc.string({ maxLength: 200 }) },
    // A valid config cut short: a truncated pipe.
    { weight: 1, arbitrary: fc.tuple(mutated, fc.nat()).map(([s, n]) => s.slice(0, n % Math.max(1, s.length))) },
  );
}

/** An env var: usually sensible, often hostile, sometimes absent (undefined). */
const pick = <T>(good: fc.Arbitrary<T>, bad: fc.Arbitrary<T>): fc.Arbitrary<T | undefined> =>
  fc.oneof({ weight: 17, arbitrary: good }, { weight: 2, arbitrary: bad }, { weight: 1, arbitrary: fc.constant(undefined) });

function envArb(w: FuzzWorld): fc.Arbitrary<Record<string, string>> {
  return fc
    .record({
      CNI_COMMAND: fc.oneof({ weight: 24, arbitrary: fc.constantFrom(...VERBS, "ADD", "ADD", "ADD", "DEL", "DEL", "CHECK") }, { weight: 1, arbitrary: anyString }, { weight: 1, arbitrary: fc.constantFrom("add", "Add", "ADD ", "UPDATE") }),
      CNI_CONTAINERID: pick(fc.oneof(fc.constant("thdctr1"), validId), anyString),
      CNI_IFNAME: pick(fc.oneof(fc.constant("eth0"), fc.stringMatching(/^[a-z][a-z0-9]{0,14}$/)), anyString),
      CNI_NETNS: pick(
        fc.constant(w.containerNetns),
        fc.oneof(nasty, fc.constantFrom("/nonexistent/netns", "/etc/hostname", w.work, "/proc/self/ns/net", "relative/ns", "/var/run/netns/", "/dev/null")),
      ),
      CNI_ARGS: fc.option(fc.oneof(fc.constantFrom("IgnoreUnknown=1", "IP=10.77.0.33", "IgnoreUnknown=1;IP=10.77.0.34", "K8S_POD_NAME=p;IgnoreUnknown=true", "IP=fd77::5", "MAC=02:00:00:00:00:aa"), anyString), { freq: 4 }),
      CNI_PATH: pick(fc.constant(w.pluginDir), fc.constantFrom("", "/nonexistent", `/nonexistent:${w.pluginDir}`, w.work, "::")),
      CNI_NETNS_OVERRIDE: fc.option(fc.constantFrom("1", "true", "0"), { freq: 20 }),
    })
    .map((r) => {
      const env: Record<string, string> = {};
      for (const [k, v] of Object.entries(r)) if (typeof v === "string") env[k] = v;
      return env;
    });
}

export function caseArb(plugin: PluginName, w: FuzzWorld): fc.Arbitrary<FuzzCase> {
  return fc.record({ env: envArb(w), stdin: stdinArb(plugin, w) });
}

/**
 * Cases per fast-check sample: case i of a seed is element i % CHUNK of
 * `fc.sample(caseArb, { seed: seed + CHUNK * floor(i / CHUNK) })`. Fixed, since changing it
 * changes every seed's cases (the seeds in ../seeds.ts name cases by index).
 */
export const FUZZ_CHUNK = 200;

/** Cases from..from+count-1 of `seed`: the same inputs whatever the run's size (a sample of n is the first n of a longer one). */
export function fuzzCases(plugin: PluginName, w: FuzzWorld, seed: number, from: number, count: number): Array<{ index: number; case: FuzzCase }> {
  const out: Array<{ index: number; case: FuzzCase }> = [];
  const end = from + count;
  for (let chunk = Math.floor(from / FUZZ_CHUNK) * FUZZ_CHUNK; chunk < end; chunk += FUZZ_CHUNK) {
    const cases = fc.sample(caseArb(plugin, w), { numRuns: Math.min(FUZZ_CHUNK, end - chunk), seed: seed + chunk });
    cases.forEach((c, j) => {
      if (chunk + j >= from) out.push({ index: chunk + j, case: c });
    });
  }
  return out;
}
