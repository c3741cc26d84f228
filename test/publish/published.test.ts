// The SDK as someone outside this repository gets it (issue 13, "shown end to end against a
// real registry"): every package compiled and published with `pnpm publish` to a Verdaccio on
// 127.0.0.1 (test/registry; everything else comes through its uplink), then, in temp dirs
// outside the repository, with npm and that registry only:
// - a consumer with the strictest tsconfig type-checks against the published .d.ts, and
//   plain node (no tsx) imports every entry point, from dist/;
// - installing the runtime alone pulls in neither the test harness nor bun;
// - an author runs `npm create tscni-plugin`, `npm install`, `npm run build`, `npm test`
//   (passes as root; stops at once as another user), and the built plugin runs chained
//   after our bridge (built from the published package) through the published `tscni` CLI
//   in a throwaway netns: ADD, CHECK, DEL; the interface template installs, builds and
//   passes its tests the same way.
// Verdaccio is stopped and everything removed afterwards, also on failure. The steps' times
// and the tarballs' sizes are printed at the end.
import { chmodSync, cpSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { readIdentity } from "@tscni/state/identity";
import { createSandbox, exec, leftovers, runPrefix, type ExecResult, type Sandbox } from "@tscni/testing";
import { REPO_ROOT } from "@tscni/testing/repo";
import { compilePackages, publishedPackages, type PackageJson } from "../../scripts/compile-packages.js";
import { Verdaccio } from "../registry/verdaccio.js";

const PREFIX = "tpub-";
const root = JSON.parse(readFileSync(join(REPO_ROOT, "package.json"), "utf8")) as PackageJson & { packageManager: string };
const VERSION = root.version;
const packages = publishedPackages();
const pins = (packages.find((p) => p.name === "create-tscni-plugin")!.pkg as PackageJson & { tscniPins: { typescript: string } }).tscniPins;
const NOBODY = 65534;

let work: string;
let reg: Verdaccio | undefined;
let sb: Sandbox | undefined;
const times: Array<[string, number]> = [];
const started = performance.now();

async function step<T>(name: string, fn: () => Promise<T>): Promise<T> {
  const t0 = performance.now();
  try {
    return await fn();
  } finally {
    times.push([name, performance.now() - t0]);
  }
}

const output = (r: ExecResult) => `${r.stdout}\n${r.stderr}`;

/** Run argv, expecting exit 0; the message on failure carries the output. */
async function ok(argv: string[], cwd: string, env: NodeJS.ProcessEnv, timeoutMs = 240_000): Promise<ExecResult> {
  const r = await exec(argv, { cwd, env, timeoutMs });
  expect(r.exitCode, `${argv.join(" ")} in ${cwd}:\n${output(r)}`).toBe(0);
  return r;
}

/**
 * npm as a user outside the repository: this registry only, a cache and a home of their own
 * (installs may then --prefer-offline: whatever is cached came from this run), nothing of ours
 * inherited (no NODE_OPTIONS, no conditions).
 */
function npmEnv(home = join(work, "home")): NodeJS.ProcessEnv {
  return {
    PATH: process.env.PATH,
    HOME: home,
    npm_config_registry: reg!.url,
    npm_config_userconfig: join(work, "npmrc"),
    npm_config_cache: join(work, "npm-cache"),
    npm_config_update_notifier: "false",
    npm_config_fund: "false",
    npm_config_audit: "false",
    CI: "true",
    NO_COLOR: "1",
  };
}

function project(name: string, pkg: object): string {
  const dir = join(work, name);
  mkdirSync(dir, { recursive: true });
  writeFileSync(join(dir, "package.json"), JSON.stringify({ name, version: "1.0.0", private: true, type: "module", ...pkg }, null, 2));
  return dir;
}

/** Every entry point a consumer can import: [specifier, package name]. */
const entryPoints = packages.flatMap((p) =>
  Object.entries((p.pkg["exports"] ?? {}) as Record<string, Record<string, string>>)
    .filter(([, target]) => target["import"])
    .map(([sub]) => [sub === "." ? p.name : `${p.name}${sub.slice(1)}`, p.name] as const),
);

/** The published tarballs (what `pnpm pack` made for each), as Verdaccio stored them. */
function tarballs(): Array<{ name: string; file: string; bytes: number }> {
  return packages.map((p) => {
    const file = join(reg!.dir, "storage", p.name, `${p.name.replace(/^@[^/]+\//, "")}-${VERSION}.tgz`);
    return { name: p.name, file, bytes: statSync(file).size };
  });
}

beforeAll(async () => {
  work = mkdtempSync(join(tmpdir(), runPrefix(PREFIX)));
  chmodSync(work, 0o755); // the non-root run reads the project through it
  mkdirSync(join(work, "home"));
  await step("compile every package (tsc)", () => compilePackages());
  reg = await step("start Verdaccio", () => Verdaccio.start(runPrefix(PREFIX)));
  writeFileSync(join(work, "npmrc"), reg.npmrc());
  // pnpm as this repository runs it (packageManager), with the host's npm settings for npx.
  const { NODE_OPTIONS: _, ...env } = process.env;
  await step("pnpm publish (every package)", () => ok(["npx", "-y", root.packageManager, "-r", "publish", "--registry", reg!.url, "--no-git-checks", "--npmrc-auth-file", join(work, "npmrc")], REPO_ROOT, env));
}, 300_000);

afterAll(async () => {
  const sizes = tarballsOrNone();
  await sb?.cleanup();
  await reg?.stop();
  if (work) rmSync(work, { recursive: true, force: true });
  const total = performance.now() - started;
  console.log(
    [
      `end to end against Verdaccio: ${(total / 1000).toFixed(1)} s`,
      ...times.map(([n, ms]) => `  ${(ms / 1000).toFixed(1).padStart(6)} s  ${n}`),
      "published tarballs:",
      ...sizes.map((t) => `  ${(t.bytes / 1024).toFixed(1).padStart(8)} KiB  ${t.name}@${VERSION}`),
    ].join("\n"),
  );
  expect(leftovers(PREFIX)).toEqual({ netns: [], mounts: [], tmpDirs: [] });
}, 60_000);

/** Sizes read before the storage goes; none when publishing never got that far. */
function tarballsOrNone() {
  try {
    return reg ? tarballs() : [];
  } catch {
    return [];
  }
}

describe("the published packages", () => {
  it("every tarball holds dist (JS, .d.ts, maps), src, README and LICENSE, and no tests, benches or build configs", async () => {
    for (const t of tarballs()) {
      const files = (await ok(["tar", "-tzf", t.file], work, { PATH: process.env.PATH })).stdout.split("\n").filter(Boolean);
      expect(files, t.name).toEqual(expect.arrayContaining(["package/package.json", "package/README.md", "package/LICENSE"]));
      expect(files.some((f) => /^package\/dist\/src\/.+\.js$/.test(f)), t.name).toBe(true);
      expect(files.some((f) => /^package\/dist\/src\/.+\.d\.ts$/.test(f)), t.name).toBe(true);
      expect(files.some((f) => /^package\/dist\/src\/.+\.js\.map$/.test(f)), t.name).toBe(true);
      expect(files.filter((f) => /\/(test|bench|fixtures?)\/|tsconfig|\.test\.ts$/.test(f) && !f.startsWith("package/templates/")), t.name).toEqual([]);
      const manifest = JSON.parse((await ok(["tar", "-xOzf", t.file, "package/package.json"], work, { PATH: process.env.PATH })).stdout) as PackageJson;
      for (const deps of [manifest.dependencies, manifest.peerDependencies]) {
        for (const [name, range] of Object.entries(deps ?? {})) if (name.startsWith("@tscni/")) expect(`${name} ${range}`).toBe(`${name} ${VERSION}`);
      }
    }
  });

  it("a strict consumer type-checks against them, and plain node imports every entry point from dist/", async () => {
    const dir = project("consumer", {
      allowScripts: { bun: true, esbuild: true },
      dependencies: Object.fromEntries(packages.map((p) => [p.name, VERSION])),
      devDependencies: { typescript: pins.typescript, "@types/node": "^20" },
    });
    writeFileSync(
      join(dir, "tsconfig.json"),
      JSON.stringify({
        compilerOptions: {
          target: "ES2022", module: "NodeNext", moduleResolution: "NodeNext", lib: ["ES2023"], types: ["node"], noEmit: true,
          strict: true, exactOptionalPropertyTypes: true, noPropertyAccessFromIndexSignature: true, noUncheckedIndexedAccess: true, skipLibCheck: false,
        },
        include: ["index.ts"],
      }),
    );
    writeFileSync(join(dir, "index.ts"), entryPoints.map(([spec], i) => `import * as m${i} from ${JSON.stringify(spec)};\n`).join("") + `export const modules = [${entryPoints.map((_, i) => `m${i}`).join(", ")}];\n`);
    await step("consumer: npm install (every package)", () => ok(["npm", "install", "--prefer-offline"], dir, npmEnv()));
    const tsc = await step("consumer: tsc, strict", () => exec(["npx", "tsc", "-p", "."], { cwd: dir, env: npmEnv() }));
    expect(tsc.exitCode, output(tsc)).toBe(0);
    expect(tsc.stdout).toBe("");

    // node without tsx: each entry resolves into the package's dist/ and imports (a "./main"
    // entry is an executable's: it runs pluginMain, so it is only resolved).
    const script = `
      const out = [];
      for (const spec of ${JSON.stringify(entryPoints.map(([spec]) => spec))}) {
        const url = import.meta.resolve(spec);
        const keys = spec.endsWith("/main") ? null : Object.keys(await import(spec)).length;
        out.push({ spec, url, keys });
      }
      console.log(JSON.stringify(out));`;
    const run = await ok(["node", "--input-type=module", "-e", script], dir, npmEnv());
    const seen = JSON.parse(run.stdout) as Array<{ spec: string; url: string; keys: number | null }>;
    expect(seen.map((s) => s.spec)).toEqual(entryPoints.map(([spec]) => spec));
    for (const [i, s] of seen.entries()) {
      expect(s.url, s.spec).toMatch(new RegExp(`^file://${dir}/node_modules/${entryPoints[i]![1]}/dist/src/.+\\.js$`));
      if (!s.spec.endsWith("/main")) expect(s.keys, s.spec).toBeGreaterThan(0);
    }
  }, 300_000);

  it("installing the runtime alone brings its `tscni` command and neither the test harness nor bun; the harness alone brings no bun", async () => {
    const dir = project("runtime-only", { dependencies: { "@tscni/runtime": VERSION } });
    await step("runtime alone: npm install", () => ok(["npm", "install", "--prefer-offline"], dir, npmEnv()));
    const installed = readdirSync(join(dir, "node_modules"));
    expect(installed).not.toContain("bun");
    expect(installed).not.toContain("esbuild");
    expect(readdirSync(join(dir, "node_modules", "@tscni"))).not.toContain("testing");
    expect(readdirSync(join(dir, "node_modules", "@tscni"))).not.toContain("build");
    expect((await ok(["npx", "tscni", "version"], dir, npmEnv())).stdout).toBe(`tscni ${VERSION} (CNI spec 1.1.0, plus INIT/DEINIT)\n`);
    // The one command that needs the harness says so.
    const demo = await exec(["npx", "tscni", "demo", "--cluster"], { cwd: dir, env: npmEnv() });
    expect(demo.exitCode).toBe(1);
    expect(demo.stderr).toContain("tscni demo --cluster needs @tscni/testing, which is not installed");

    // The harness alone (a project that runs plugins others built) has no bun either: only
    // buildTargets needs @tscni/build, and says so.
    const harness = project("testing-only", { dependencies: { "@tscni/testing": VERSION } });
    await ok(["npm", "install", "--prefer-offline"], harness, npmEnv());
    expect(readdirSync(join(harness, "node_modules"))).not.toContain("bun");
    expect(readdirSync(join(harness, "node_modules", "@tscni"))).not.toContain("build");
    const script = `const t = await import("@tscni/testing"); await t.buildTargets("src/main.ts", "out").catch((e) => console.log(e.message));`;
    expect((await ok(["node", "--input-type=module", "-e", script], harness, npmEnv())).stdout).toBe("buildTargets needs @tscni/build, which is not installed: npm install --save-dev @tscni/build\n");
  }, 300_000);

  it("an author: npm create tscni-plugin, install, build, test; the plugin runs chained after the published bridge through the published tscni CLI", async () => {
    const authors = join(work, "author");
    mkdirSync(authors);
    const created = await step("author: npm create tscni-plugin my-plugin", () => ok(["npm", "create", "tscni-plugin", "my-plugin"], authors, npmEnv()));
    expect(created.stdout).toContain("Created my-plugin (chained template) in my-plugin:");
    const plugin = join(authors, "my-plugin");
    await step("author: npm install", () => ok(["npm", "install", "--prefer-offline"], plugin, npmEnv()));
    await step("author: npm run typecheck", () => ok(["npm", "run", "typecheck"], plugin, npmEnv()));
    await step("author: npm run build (standalone)", () => ok(["npm", "run", "build"], plugin, npmEnv()));
    expect(readIdentity(join(plugin, "dist", "my-plugin"))).toBe("my-plugin@0.1.0");
    const test = await step("author: npm test (root)", () => ok(["npm", "test"], plugin, npmEnv()));
    expect(output(test)).toMatch(/Tests\s+\d+ passed/);
    expect(output(test)).not.toMatch(/failed|skipped/);

    // The runtime side: our bridge and host-local built from their published packages.
    const ops = project("ops", { allowScripts: { bun: true, esbuild: true } });
    await step("ops: npm install runtime, bridge, host-local, build", () => ok(["npm", "install", "--prefer-offline", `@tscni/runtime@${VERSION}`, `@tscni/bridge@${VERSION}`, `@tscni/host-local@${VERSION}`, `@tscni/build@${VERSION}`], ops, npmEnv()));
    const bin = join(work, "cni-bin");
    await step("ops: tscni-build bridge and host-local", async () => {
      for (const name of ["bridge", "host-local"]) {
        const r = await ok(["npx", "tscni-build", `node_modules/@tscni/${name}/dist/src/main.js`, "-o", join(bin, name)], ops, npmEnv());
        if (name === "bridge") expect(r.stdout).toContain("in-process delegates host-local");
      }
    });
    cpSync(join(plugin, "dist", "my-plugin"), join(bin, "my-plugin"));
    expect(readIdentity(join(bin, "bridge"))).toBe(`@tscni/bridge@${VERSION}`);

    sb = await createSandbox({ prefix: PREFIX, containers: 1 });
    const conf = join(work, "net.d");
    mkdirSync(conf);
    const list = {
      cniVersion: "1.1.0",
      name: "e2e-net",
      plugins: [
        { type: "bridge", bridge: "e2ebr0", isGateway: true, stateDir: join(work, "bridge"), ipam: { type: "host-local", dataDir: join(work, "ipam"), ranges: [[{ subnet: "10.77.0.0/24" }]], routes: [{ dst: "0.0.0.0/0" }] } },
        { type: "my-plugin", mtu: 1400 },
      ],
    };
    writeFileSync(join(conf, "10-e2e.conflist"), JSON.stringify(list));
    const cliEnv = { ...npmEnv(), NETCONFPATH: conf, CNI_PATH: bin, TSCNI_CACHE_DIR: join(work, "cache") };
    const tscni = (verb: string) => step(`tscni ${verb}`, () => ok(["npx", "tscni", verb, "e2e-net", sb!.container.path, "--netns-exec", sb!.host.name, "--json"], ops, cliEnv));
    const eth0 = async () => JSON.parse((await sb!.run(sb!.container, ["ip", "-json", "addr", "show"])).stdout).filter((l: { ifname: string }) => l.ifname === "eth0");

    const added = JSON.parse((await tscni("add")).stdout);
    expect(added).toMatchObject({ interfaces: expect.arrayContaining([expect.objectContaining({ name: "eth0", mtu: 1400, sandbox: sb.container.path })]), ips: [{ address: expect.stringMatching(/^10\.77\.0\.\d+\/24$/), gateway: "10.77.0.1" }] });
    const [link] = await eth0();
    expect(link).toMatchObject({ mtu: 1400 }); // what my-plugin did, after the bridge made eth0
    expect(link.addr_info.map((a: { local: string; prefixlen: number }) => `${a.local}/${a.prefixlen}`)).toContain(added.ips[0].address);
    expect(JSON.parse((await tscni("check")).stdout)).toEqual({ ok: true });
    // The author's standalone, built from the published packages, does its netns work in-process:
    // its CHECK (a read of eth0) execs nothing but itself.
    const log = join(work, "strace-check");
    const check = await exec(["ip", "netns", "exec", sb.host.name, "strace", "-f", "-qq", "-e", "trace=execve", "-o", log, join(bin, "my-plugin")], {
      cwd: work, timeoutMs: 60_000, stdin: JSON.stringify({ cniVersion: "1.1.0", name: "e2e-net", type: "my-plugin", mtu: 1400, prevResult: added }),
      env: { PATH: process.env.PATH, CNI_COMMAND: "CHECK", CNI_CONTAINERID: "e2e", CNI_NETNS: sb.container.path, CNI_IFNAME: "eth0", CNI_PATH: bin },
    });
    expect(check.exitCode, output(check)).toBe(0);
    const programs = readFileSync(log, "utf8").split("\n").filter((l) => /execve\(/.test(l) && !/= -1 /.test(l)).map((l) => /execve\("([^"]+)"/.exec(l)![1]);
    expect(programs).toEqual([join(bin, "my-plugin")]);
    expect(JSON.parse((await tscni("del")).stdout)).toEqual({ ok: true });
    expect(await eth0()).toEqual([]);
    expect(readdirSync(join(work, "ipam", "e2e-net")).filter((f) => /^\d/.test(f))).toEqual([]); // the address went back

    // Another user (the project made theirs, as a user's own project is): npm test stops
    // before any test, saying why.
    await ok(["chown", "-R", `${NOBODY}:${NOBODY}`, plugin], work, { PATH: process.env.PATH });
    mkdirSync(join(work, "nobody"));
    chmodSync(join(work, "nobody"), 0o777);
    const asNobody = await step("author: npm test as another user", () =>
      exec(["setpriv", `--reuid=${NOBODY}`, `--regid=${NOBODY}`, "--clear-groups", "npm", "test"], { cwd: plugin, env: { ...npmEnv(join(work, "nobody")), npm_config_cache: join(work, "nobody", "npm-cache") }, timeoutMs: 120_000 }),
    );
    expect(asNobody.exitCode).not.toBe(0);
    expect(output(asNobody)).toContain("these tests create network namespaces and veths: run them as root (sudo npm test)");
    expect(output(asNobody)).not.toMatch(/Tests\s+\d+/);
  }, 600_000);

  it("the interface template too: created, installed, type-checked, built and tested from the published packages (its tests build the published host-local)", async () => {
    const authors = join(work, "author");
    mkdirSync(authors, { recursive: true });
    await ok(["npm", "create", "tscni-plugin", "my-iface", "--", "--template", "interface"], authors, npmEnv());
    const plugin = join(authors, "my-iface");
    await step("interface template: npm install", () => ok(["npm", "install", "--prefer-offline"], plugin, npmEnv()));
    await ok(["npm", "run", "typecheck"], plugin, npmEnv());
    await ok(["npm", "run", "build"], plugin, npmEnv());
    expect(readIdentity(join(plugin, "dist", "my-iface"))).toBe("my-iface@0.1.0");
    const test = await step("interface template: npm test (root)", () => ok(["npm", "test"], plugin, npmEnv()));
    expect(output(test)).toMatch(/Tests\s+\d+ passed/);
    expect(output(test)).not.toMatch(/failed|skipped/);
  }, 300_000);
});
