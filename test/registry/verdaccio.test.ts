// The registry harness itself: it serves what is published to it and proxies the rest.
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { exec, leftovers } from "@tscni/testing";
import { Verdaccio } from "./verdaccio.js";

let reg: Verdaccio;
let work: string;
beforeAll(async () => {
  reg = await Verdaccio.start("tvr-");
  work = mkdtempSync(join(tmpdir(), "tvw-"));
}, 90_000);
afterAll(async () => {
  await reg?.stop();
  rmSync(work, { recursive: true, force: true });
  expect(leftovers("tvr-").tmpDirs).toEqual([]);
});

describe("Verdaccio harness", () => {
  it("publishes a package, then installs it with a third-party package through the uplink", async () => {
    const pkg = join(work, "pkg");
    mkdirSync(pkg);
    writeFileSync(join(pkg, "package.json"), JSON.stringify({ name: "@tscni/harness-probe", version: "0.0.1", main: "index.js" }));
    writeFileSync(join(pkg, "index.js"), "module.exports = 42;\n");
    writeFileSync(join(pkg, ".npmrc"), reg.npmrc());
    const pub = await exec(["npm", "publish", "--registry", reg.url], { cwd: pkg, env: { PATH: process.env.PATH ?? "", HOME: work }, timeoutMs: 60_000 });
    expect(pub.exitCode, pub.stderr).toBe(0);
    expect((await reg.packument("@tscni/harness-probe"))?.["dist-tags"]?.latest).toBe("0.0.1");
    const app = join(work, "app");
    mkdirSync(app);
    writeFileSync(join(app, "package.json"), JSON.stringify({ name: "app", version: "1.0.0", private: true }));
    writeFileSync(join(app, ".npmrc"), reg.npmrc());
    const inst = await exec(["npm", "install", "--no-audit", "--no-fund", "@tscni/harness-probe@0.0.1", "is-number@7.0.0"], { cwd: app, env: { PATH: process.env.PATH ?? "", HOME: work }, timeoutMs: 120_000 });
    expect(inst.exitCode, inst.stderr).toBe(0);
    expect(readFileSync(join(app, "node_modules/@tscni/harness-probe/index.js"), "utf8")).toContain("42");
    expect(JSON.parse(readFileSync(join(app, "node_modules/is-number/package.json"), "utf8")).version).toBe("7.0.0");
    // it came through our registry, not around it: Verdaccio keeps what it proxied
    expect(existsSync(join(reg.dir, "storage", "is-number", "is-number-7.0.0.tgz"))).toBe(true);
  }, 180_000);
});
