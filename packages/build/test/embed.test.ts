// The embed option: a build decides which delegates an executable runs in-process. Builds
// a small main plugin and a delegate package (written here, linked to the SDK packages the
// way a plugin outside this repository would depend on them) and runs the outputs.
import { chmodSync, mkdirSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from "node:fs";
import { execa } from "execa";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { identityLine, readIdentity } from "@tscni/state/identity";
import { buildExecutable, embedSpecs, resolveEmbeds, SOURCE_CONDITION } from "../src/index.js";
import { REPO_ROOT } from "../src/dist-layout.js";

const root = mkdtempSync(join(tmpdir(), "tb-embed-"));
afterAll(() => rmSync(root, { recursive: true, force: true }));

function write(path: string, text: string): string {
  mkdirSync(join(path, ".."), { recursive: true });
  writeFileSync(path, text);
  return path;
}
const pkgJson = (o: object) => JSON.stringify({ type: "module", ...o }, null, 2);

// The SDK as a dependency: node_modules/@tscni/* links to this repository's packages.
for (const name of ["skel", "invoke", "types"]) {
  mkdirSync(join(root, "node_modules", "@tscni"), { recursive: true });
  symlinkSync(join(REPO_ROOT, "packages", name), join(root, "node_modules", "@tscni", name));
}

// A delegate package (an IPAM plugin): says when its module is evaluated, answers one IP.
write(join(root, "delegate", "package.json"), pkgJson({ name: "@t/tbd-ipam", version: "2.0.0", exports: { ".": "./src/index.ts" } }));
write(
  join(root, "delegate", "src", "index.ts"),
  `import { writeSync } from "node:fs";
import { netConfSchema } from "@tscni/types";
import type { Plugin } from "@tscni/skel";
writeSync(2, "delegate module evaluated\\n");
export const plugin: Plugin<typeof netConfSchema> = {
  config: netConfSchema,
  add: () => ({ cniVersion: "1.1.0", ips: [{ address: "10.99.0.7/24" }] }),
  del: () => {},
};
`,
);

// The main plugin: a lazy entry (VERSION must not evaluate plugin.ts) that delegates ADD to tbd-ipam.
const mainDir = join(root, "main");
write(join(mainDir, "package.json"), pkgJson({ name: "@t/tbd-main", version: "1.0.0", tscni: { embed: ["../delegate"] } }));
const entry = write(
  join(mainDir, "src", "main.ts"),
  `import { pluginMain } from "@tscni/skel";
void pluginMain({ about: "tbd main", versions: ["1.0.0", "1.1.0"], load: () => import("./plugin.js").then((m) => m.plugin) });
`,
);
write(
  join(mainDir, "src", "plugin.ts"),
  `import { writeSync } from "node:fs";
import { netConfSchema, toCurrentResult } from "@tscni/types";
import { delegateAdd } from "@tscni/invoke";
import type { Plugin } from "@tscni/skel";
writeSync(2, "main plugin module evaluated\\n");
export const plugin: Plugin<typeof netConfSchema> = {
  config: netConfSchema,
  add: async (ctx) => toCurrentResult(await delegateAdd("tbd-ipam", ctx.stdin, { env: ctx.env as NodeJS.ProcessEnv })),
  del: () => {},
};
`,
);

/** A CNI_PATH dir whose tbd-ipam fails when exec'd and carries `identity`'s trailer. */
function cniPath(identity: string): string {
  const dir = mkdtempSync(join(root, "cni-"));
  const file = write(join(dir, "tbd-ipam"), `#!/bin/sh\necho '{"cniVersion":"1.1.0","code":999,"msg":"tbd-ipam was exec'"'"'d"}'\nexit 1${identityLine(identity)}`);
  chmodSync(file, 0o755);
  return dir;
}

const STDIN = JSON.stringify({ cniVersion: "1.1.0", name: "net1", type: "tbd-main", ipam: { type: "tbd-ipam" } });
async function run(bin: string, command: string, path: string) {
  const env = { PATH: process.env.PATH, CNI_COMMAND: command, CNI_CONTAINERID: "c1", CNI_NETNS: "/nonexistent", CNI_IFNAME: "eth0", CNI_PATH: path };
  const r = await execa(bin, [], { env, extendEnv: false, input: command === "VERSION" ? "" : STDIN, reject: false });
  return { exitCode: r.exitCode ?? null, json: r.stdout ? JSON.parse(r.stdout) : undefined, stderr: r.stderr };
}

describe("the embed option", () => {
  it("package.json's tscni.embed: the same build of the delegate runs in-process, loaded only when it runs", async () => {
    const out = join(root, "out", "with");
    const r = await buildExecutable(entry, { target: "node", outfile: out });
    expect(r.embedded).toEqual(["tbd-ipam"]);
    expect(readIdentity(out)).toBe("@t/tbd-main@1.0.0");
    const add = await run(out, "ADD", cniPath("@t/tbd-ipam@2.0.0"));
    expect(add.exitCode, add.stderr).toBe(0);
    expect(add.json.ips).toEqual([{ address: "10.99.0.7/24" }]);
    expect(add.stderr).toContain("delegate module evaluated");
    // VERSION evaluates neither the plugin nor the delegate.
    const version = await run(out, "VERSION", cniPath("@t/tbd-ipam@2.0.0"));
    expect(version.json).toEqual({ cniVersion: "1.1.0", supportedVersions: ["1.0.0", "1.1.0"] });
    expect(version.stderr).toBe("");
  });

  it("the identity check: another version of the delegate, or a file without a trailer, is exec'd", async () => {
    const out = join(root, "out", "with");
    await buildExecutable(entry, { target: "node", outfile: out });
    const other = await run(out, "ADD", cniPath("@t/tbd-ipam@2.0.1"));
    expect(other.json).toMatchObject({ code: 999, msg: "tbd-ipam was exec'd" });
    expect(other.stderr).not.toContain("delegate module evaluated");
  });

  it("a build without the option (--no-embed) execs every delegate and carries no delegate code", async () => {
    const out = join(root, "out", "without");
    const r = await buildExecutable(entry, { target: "node", outfile: out, embed: [] });
    expect(r.embedded).toEqual([]);
    expect(readFileSync(out, "utf8")).not.toContain("delegate module evaluated");
    const add = await run(out, "ADD", cniPath("@t/tbd-ipam@2.0.0"));
    expect(add.json).toMatchObject({ code: 999, msg: "tbd-ipam was exec'd" });
  });

  it("standalone target: embedded too, and VERSION evaluates nothing of the plugin", async () => {
    const out = join(root, "out", "bin");
    expect((await buildExecutable(entry, { target: "standalone", outfile: out })).embedded).toEqual(["tbd-ipam"]);
    const path = cniPath("@t/tbd-ipam@2.0.0");
    const version = await run(out, "VERSION", path);
    expect(version.json).toEqual({ cniVersion: "1.1.0", supportedVersions: ["1.0.0", "1.1.0"] });
    expect(version.stderr).toBe("");
    const add = await run(out, "ADD", path);
    expect(add.exitCode, add.stderr).toBe(0);
    expect(add.json.ips).toEqual([{ address: "10.99.0.7/24" }]);
    expect(add.stderr).toContain("main plugin module evaluated");
    expect(add.stderr).toContain("delegate module evaluated");
  });

  it("type=package registers the delegate under that type: the file of the old name is exec'd", async () => {
    const out = join(root, "out", "renamed");
    const r = await buildExecutable(entry, { target: "node", outfile: out, embed: [`other-name=${join(root, "delegate")}`] });
    expect(r.embedded).toEqual(["other-name"]);
    expect((await run(out, "ADD", cniPath("@t/tbd-ipam@2.0.0"))).json).toMatchObject({ msg: "tbd-ipam was exec'd" });
  });
});

describe("resolving embed specs", () => {
  it("reads package.json's list, relative to the package; an explicit list replaces it", () => {
    expect(embedSpecs(entry)).toEqual({ specs: ["../delegate"], from: mainDir });
    expect(embedSpecs(entry, [])).toEqual({ specs: [], from: process.cwd() });
    expect(resolveEmbeds(entry, ["../delegate"], mainDir)).toEqual([{ type: "tbd-ipam", identity: "@t/tbd-ipam@2.0.0", module: join(root, "delegate", "src", "index.ts") }]);
  });

  it("finds workspace packages by name (this repository's host-local for the bridge), its module as the bundlers' conditions pick it", () => {
    const bridge = join(REPO_ROOT, "plugins", "bridge", "src", "main.ts");
    const { specs, from } = embedSpecs(bridge);
    expect(specs).toEqual(["@tscni/host-local"]);
    const dir = join(REPO_ROOT, "plugins", "host-local");
    const version = (JSON.parse(readFileSync(join(dir, "package.json"), "utf8")) as { version: string }).version;
    const embed = (module: string) => [{ type: "host-local", identity: `@tscni/host-local@${version}`, module }];
    expect(resolveEmbeds(bridge, specs, from, [SOURCE_CONDITION])).toEqual(embed(join(dir, "src", "index.ts")));
    expect(resolveEmbeds(bridge, specs, from)).toEqual(embed(join(dir, "dist", "src", "index.js")));
  });

  it("refuses what cannot be embedded, naming it", async () => {
    write(join(root, "noversion", "package.json"), pkgJson({ name: "@t/noversion", exports: "./x.ts" }));
    expect(() => resolveEmbeds(entry, ["../noversion"], mainDir)).toThrow(/needs a name and a version/);
    expect(() => resolveEmbeds(entry, ["@t/not-there"], mainDir)).toThrow(/cannot embed @t\/not-there: no such package/);
    expect(() => resolveEmbeds(entry, ["../delegate", "tbd-ipam=../delegate"], mainDir)).toThrow(/already embedded/);
    expect(() => resolveEmbeds(entry, ["bad/type=../delegate"], mainDir)).toThrow(/not a plugin file name/);
    // An entry that cannot reach @tscni/invoke has nothing to run its delegates with.
    const lone = write(join(tmpdir(), `tb-embed-lone-${process.pid}`, "main.ts"), "export {};\n");
    try {
      await expect(buildExecutable(lone, { target: "node", outfile: join(root, "out", "lone"), embed: [join(root, "delegate")] })).rejects.toThrow(/does not depend on @tscni\/invoke/);
    } finally {
      rmSync(join(lone, ".."), { recursive: true, force: true });
    }
  });
});
