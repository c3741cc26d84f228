// Each template, as `npm create tscni-plugin` writes it, builds and passes its own tests: the
// project is rendered into a temp dir whose node_modules is this package's (the SDK's
// workspace packages, zod, vitest); its `vitest run` resolves our packages to their source, as
// every tool in this repository does (a config beside the template's adds the condition), and
// its tests build the plugin (standalone and node) and run it in throwaway namespaces.
// test/publish/published.test.ts does the same from published packages, and type-checks the
// projects with their strict tsconfig against our published .d.ts.
import { spawnSync } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { afterAll, describe, expect, it } from "vitest";
import { createProject, TEMPLATES } from "../src/create.js";

const PKG = join(import.meta.dirname, "..");
const SOURCE_CONDITIONS_MODULE = join(PKG, "../../test/setup/source-conditions.ts");
const GLOBAL_SETUP_SOURCES = { "@tscni/testing/require-root": fileURLToPath(import.meta.resolve("@tscni/testing/require-root")) };
const pins = JSON.parse(readFileSync(join(PKG, "package.json"), "utf8")) as { version: string; tscniPins: { zod: string; typescript: string; vitest: string } };
const work = mkdtempSync(join(tmpdir(), "tcp-tpl-"));
symlinkSync(join(PKG, "node_modules"), join(work, "node_modules"));
afterAll(() => rmSync(work, { recursive: true, force: true }));

const run = (argv: string[], cwd: string) => {
  const r = spawnSync(argv[0]!, argv.slice(1), { cwd, encoding: "utf8", env: { ...process.env, CI: "true", NO_COLOR: "1", FORCE_COLOR: "0" }, timeout: 240_000 });
  return { status: r.status, out: `${r.stdout}\n${r.stderr}` };
};

// The pins are what this repository builds and tests with; a bump here that forgets them fails.
it("pins zod, typescript and vitest at the versions the SDK itself uses", () => {
  const json = (rel: string) => JSON.parse(readFileSync(join(PKG, "../..", rel), "utf8")) as Record<string, Record<string, string>>;
  const root = json("package.json").devDependencies!;
  expect(pins.tscniPins).toEqual({ zod: json("packages/types/package.json").dependencies!.zod, typescript: root.typescript, vitest: root.vitest });
});

describe.each(TEMPLATES)("the %s template", (template) => {
  it("builds and passes its own tests (as root, in throwaway namespaces)", () => {
    const r = createProject({
      name: `demo-${template}`,
      dir: join(work, template),
      template,
      versions: { tscni: pins.version, ...pins.tscniPins },
      templatesDir: join(PKG, "templates"),
    });
    const config = join(r.dir, "vitest.repo.config.ts");
    writeFileSync(
      config,
      [
        `import { mergeConfig } from "vitest/config";`,
        `import base from "./vitest.config.ts";`,
        `import { sourceConditions } from ${JSON.stringify(SOURCE_CONDITIONS_MODULE)};`,
        // vitest resolves a globalSetup package itself, without the condition: give it the source file.
        `const source = ${JSON.stringify(GLOBAL_SETUP_SOURCES)};`,
        `const globalSetup = [base.test.globalSetup].flat().map((s) => source[s] ?? s);`,
        `export default mergeConfig({ ...base, test: { ...base.test, globalSetup } }, { plugins: [sourceConditions()] });`,
      ].join("\n"),
    );
    const test = run([join(PKG, "node_modules/.bin/vitest"), "run", "--root", r.dir, "--config", config], r.dir);
    expect(test.status, test.out).toBe(0);
    expect(test.out).toMatch(/Tests\s+\d+ passed/);
    expect(test.out).not.toMatch(/skipped|failed/);
  }, 300_000);
});
