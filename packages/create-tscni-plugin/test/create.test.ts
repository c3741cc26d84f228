import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { createProject, TEMPLATES } from "../src/create.js";
import { checkProjectName } from "../src/project-name.js";

const TEMPLATES_DIR = join(import.meta.dirname, "..", "templates");
const versions = { tscni: "0.1.0", zod: "4.6.7", typescript: "7.0.2", vitest: "4.1.12" };
let cwd: string;
beforeEach(() => (cwd = mkdtempSync(join(tmpdir(), "tcp-"))));
afterEach(() => rmSync(cwd, { recursive: true, force: true }));

describe("project names", () => {
  it.each([
    ["my-plugin", "my-plugin"],
    ["@acme/net.tuner_2", "net.tuner_2"],
  ])("accepts %s (type %s)", (name, type) => expect(checkProjectName(name)).toEqual({ packageName: name, type }));

  it.each(["", "My-Plugin", "my plugin", ".hidden", "_private", "a/b", "@scope/", "@scope/.x", "x".repeat(215), "node_modules", "ünïcode"])(
    "refuses %j with code 7 and why",
    (name) => expect(() => checkProjectName(name)).toThrowError(expect.objectContaining({ code: 7, message: expect.stringContaining("invalid plugin name") })),
  );
});

describe("createProject", () => {
  it.each(TEMPLATES)("writes the %s template with every placeholder filled", (template) => {
    const r = createProject({ name: "@acme/my-plugin", dir: join(cwd, "p"), template, versions, templatesDir: TEMPLATES_DIR });
    expect(r.type).toBe("my-plugin");
    expect(r.files).toContain("package.json");
    expect(r.files).toContain(".gitignore");
    const pkg = JSON.parse(readFileSync(join(cwd, "p", "package.json"), "utf8"));
    expect(pkg).toMatchObject({ name: "@acme/my-plugin", dependencies: { "@tscni/skel": "^0.1.0", zod: "4.6.7" }, devDependencies: { vitest: "4.1.12" } });
    expect(pkg.scripts.build).toBe("tscni-build src/main.ts -o dist/my-plugin");
    for (const f of r.files) expect(readFileSync(join(cwd, "p", f), "utf8")).not.toMatch(/\{\{\w+\}\}/);
  });

  it("defaults to the chained template in ./TYPE", () => {
    const here = process.cwd();
    process.chdir(cwd);
    try {
      const r = createProject({ name: "tuner", versions, templatesDir: TEMPLATES_DIR });
      expect(r).toMatchObject({ dir: join(cwd, "tuner"), template: "chained" });
    } finally {
      process.chdir(here);
    }
  });

  it("never writes into a non-empty directory, nor for a bad name or template", () => {
    const dir = join(cwd, "taken");
    mkdirSync(dir);
    writeFileSync(join(dir, "notes.txt"), "mine");
    expect(() => createProject({ name: "p", dir, versions, templatesDir: TEMPLATES_DIR })).toThrowError(expect.objectContaining({ code: 7, message: expect.stringContaining("not empty") }));
    expect(readdirSync(dir)).toEqual(["notes.txt"]);
    expect(() => createProject({ name: "Bad Name", dir: join(cwd, "x"), versions, templatesDir: TEMPLATES_DIR })).toThrow(/invalid plugin name/);
    expect(() => createProject({ name: "p", dir: join(cwd, "y"), template: "nope" as never, versions, templatesDir: TEMPLATES_DIR })).toThrow(/unknown template/);
    expect(existsSync(join(cwd, "x")) || existsSync(join(cwd, "y"))).toBe(false);
  });
});
