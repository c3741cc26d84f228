// Each template, as `npm create tscni-plugin` writes it, builds and passes its own tests:
// the project is rendered into a temp dir whose node_modules is this package's (the SDK's
// workspace packages, zod, vitest), and its `vitest run` builds the plugin (standalone and
// node) and runs it in throwaway namespaces. The end-to-end test against a registry
// (test/registry) does the same from published packages.
import { spawnSync } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync, symlinkSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { createProject, TEMPLATES } from "../src/create.js";

const PKG = join(import.meta.dirname, "..");
const pins = JSON.parse(readFileSync(join(PKG, "package.json"), "utf8")) as { version: string; tscniPins: { zod: string; typescript: string; vitest: string } };
const work = mkdtempSync(join(tmpdir(), "tcp-tpl-"));
symlinkSync(join(PKG, "node_modules"), join(work, "node_modules"));
afterAll(() => rmSync(work, { recursive: true, force: true }));

describe.each(TEMPLATES)("the %s template", (template) => {
  it("builds and passes its own tests (as root, in throwaway namespaces)", () => {
    const r = createProject({
      name: `demo-${template}`,
      dir: join(work, template),
      template,
      versions: { tscni: pins.version, ...pins.tscniPins },
      templatesDir: join(PKG, "templates"),
    });
    const run = spawnSync(join(PKG, "node_modules/.bin/vitest"), ["run", "--root", r.dir], { cwd: r.dir, encoding: "utf8", env: { ...process.env, CI: "true", NO_COLOR: "1", FORCE_COLOR: "0" }, timeout: 240_000 });
    const out = `${run.stdout}\n${run.stderr}`;
    expect(run.status, out).toBe(0);
    expect(out).toMatch(/Tests\s+\d+ passed/);
    expect(out).not.toMatch(/skipped|failed/);
  }, 300_000);
});
