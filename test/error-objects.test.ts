// Every failure of a reference plugin's executable is the spec's error object (SPEC.md
// "Error") and nothing else on stdout: cniVersion, code, a short msg and details with the
// longer text, all four present; exit status 1; never a stack trace. Bad JSON, a schema
// error, bad env, a failing kernel operation and an I/O error, for each plugin, in a
// throwaway sandbox.
import { mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createSandbox, exec, leftovers, runExecutable, type Sandbox } from "@tscni/testing";
import { distPath } from "@tscni/testing/repo";

const PREFIX = "teo-";
let sb: Sandbox;
beforeAll(async () => (sb = await createSandbox({ prefix: PREFIX })));
afterAll(async () => {
  await sb?.cleanup();
  expect(leftovers(PREFIX)).toEqual({ netns: [], mounts: [], tmpDirs: [] });
});

interface Case {
  what: string;
  code: number;
  /** Env and stdin of the call; `stdin: "directory"` makes every read of fd 0 fail (EISDIR). */
  call: () => Promise<{ env: Record<string, string | undefined>; stdin: object | string | "directory" }>;
  /** Text the error object must carry (msg or details). */
  says?: RegExp;
}

const env = (command: string, over: Record<string, string | undefined> = {}) => ({
  CNI_COMMAND: command, CNI_CONTAINERID: "ctr1", CNI_NETNS: sb.container.path, CNI_IFNAME: "eth0", CNI_PATH: distPath("bridge").replace(/\/bridge$/, ""), ...over,
});

const loopback = () => ({ cniVersion: "1.1.0", name: "teonet", type: "loopback" });
const hostLocal = (dir: string, extra: object = {}) => ({ cniVersion: "1.1.0", name: "teonet", type: "host-local", ipam: { type: "host-local", dataDir: dir, ranges: [[{ subnet: "10.67.0.0/24" }]], ...extra } });
const bridge = (extra: object = {}) => ({
  cniVersion: "1.1.0", name: "teonet", type: "bridge", bridge: "teobr0", stateDir: join(sb.tmpDir, "br-state"),
  ipam: { type: "host-local", dataDir: join(sb.tmpDir, "br-ipam"), ranges: [[{ subnet: "10.68.0.0/24" }]] }, ...extra,
});

/** A regular file where a directory is expected: every path below it fails with ENOTDIR. */
function fileInTheWay(name: string): string {
  const f = join(sb.tmpDir, name);
  writeFileSync(f, "");
  return join(f, "below");
}

const notNetns: Case = {
  what: "CNI_NETNS that is not a netns",
  code: 8,
  call: async () => ({ env: env("ADD", { CNI_NETNS: fileInTheWay("not-netns").replace(/\/below$/, "") }), stdin: {} }),
};
const withConf = (c: Case, conf: () => object): Case => ({ ...c, call: async () => ({ ...(await c.call()), stdin: conf() }) });

function commonCases(conf: () => object, schemaError: () => object): Case[] {
  return [
    { what: "stdin that is not JSON", code: 6, call: async () => ({ env: env("ADD"), stdin: "{nope" }), says: /invalid JSON/ },
    { what: "a JSON array", code: 6, call: async () => ({ env: env("ADD"), stdin: "[1]" }) },
    { what: "a schema error", code: 7, call: async () => ({ env: env("ADD"), stdin: schemaError() }), says: /^invalid network config: / },
    { what: "CNI_IFNAME with a slash", code: 4, call: async () => ({ env: env("ADD", { CNI_IFNAME: "a/b" }), stdin: conf() }) },
    { what: "no CNI_CONTAINERID", code: 4, call: async () => ({ env: env("DEL", { CNI_CONTAINERID: undefined }), stdin: conf() }), says: /CNI_CONTAINERID/ },
    { what: "an unknown CNI_COMMAND", code: 4, call: async () => ({ env: env("FROB"), stdin: conf() }) },
    { what: "stdin that cannot be read (I/O error)", code: 5, call: async () => ({ env: env("ADD"), stdin: "directory" }), says: /EISDIR/ },
  ];
}

const PLUGINS: Array<[string, Case[]]> = [
  ["loopback", [...commonCases(loopback, () => ({ ...loopback(), type: 5 })), withConf(notNetns, loopback)]],
  [
    "host-local",
    [
      ...commonCases(() => hostLocal(join(sb.tmpDir, "hl")), () => hostLocal(join(sb.tmpDir, "hl"), { ranges: "x" })),
      { what: "a dataDir it cannot create (I/O error)", code: -1, call: async () => ({ env: env("ADD"), stdin: hostLocal(fileInTheWay("hl-file")) }), says: /ENOTDIR/ },
    ],
  ],
  [
    "bridge",
    [
      ...commonCases(() => bridge(), () => bridge({ mtu: "big" })),
      withConf(notNetns, () => bridge()),
      {
        what: "a failing kernel operation (the container already has eth0)",
        code: -1,
        call: async () => {
          const ns = await sb.addNetns("busy");
          await sb.run(ns, ["ip", "link", "add", "eth0", "type", "veth", "peer", "name", "eth0p"]);
          return { env: env("ADD", { CNI_NETNS: ns.path }), stdin: bridge() };
        },
        says: /eth0/,
      },
      {
        what: "a route the kernel refuses",
        code: 7,
        call: async () => ({ env: env("ADD", { CNI_CONTAINERID: "ctr2" }), stdin: bridge({ ipam: { ...(bridge().ipam as object), routes: [{ dst: "10.99.0.0/16", gw: "10.200.0.1" }] } }) }),
        says: /Nexthop has invalid gateway|unreachable/i,
      },
      { what: "a stateDir it cannot create (I/O error)", code: 5, call: async () => ({ env: env("ADD"), stdin: bridge({ stateDir: fileInTheWay("br-file") }) }), says: /ENOTDIR/ },
    ],
  ],
];

async function runPlugin(name: string, c: Awaited<ReturnType<Case["call"]>>) {
  if (c.stdin !== "directory") return runExecutable(distPath(name), { env: c.env, stdin: c.stdin, netns: sb.host.name });
  const e: Record<string, string> = { PATH: process.env.PATH ?? "" };
  for (const [k, v] of Object.entries(c.env)) if (v !== undefined) e[k] = v;
  return exec(["ip", "netns", "exec", sb.host.name, "sh", "-c", 'exec "$0" </', distPath(name)], { env: e, timeoutMs: 20_000 });
}

describe.each(PLUGINS)("%s: every failure is one spec error object", (name, cases) => {
  beforeAll(() => mkdirSync(join(sb.tmpDir, "hl"), { recursive: true }));

  it.each(cases)("$what", async (c) => {
    const r = await runPlugin(name, await c.call());
    expect(r.exitCode, r.stdout + r.stderr).toBe(1);
    expect(r.stdout).not.toContain("    at ");
    const body = JSON.parse(r.stdout) as Record<string, unknown>; // the whole of stdout: exactly one JSON value
    expect(typeof body === "object" && body !== null && !Array.isArray(body)).toBe(true);
    expect(Object.keys(body).sort()).toEqual(["cniVersion", "code", "details", "msg"]);
    expect(body).toMatchObject({ cniVersion: expect.any(String), code: expect.any(Number), msg: expect.any(String), details: expect.any(String) });
    expect((body.msg as string).trim()).not.toBe("");
    expect((body.details as string).trim()).not.toBe("");
    expect(body.msg as string).not.toContain("\n"); // msg is one line; the rest is in details
    if (c.code >= 0) expect(body.code).toBe(c.code);
    if (c.says) expect(`${body.msg}\n${body.details}`).toMatch(c.says);
  });
});
