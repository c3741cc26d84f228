import { existsSync, mkdirSync, readdirSync, readFileSync, statSync, writeFileSync } from "node:fs";
import { dirname, join, relative, resolve } from "node:path";
import { CniError, ErrorCode } from "@tscni/types";
import { checkProjectName } from "./project-name.js";

export const TEMPLATES = ["chained", "interface"] as const;
export type TemplateName = (typeof TEMPLATES)[number];

export interface CreateOptions {
  /** The project's package name, e.g. "my-plugin" or "@acme/my-plugin". */
  name: string;
  /** Where to create it (default: a directory named after the plugin type, in the cwd). */
  dir?: string;
  template?: TemplateName;
  /** The versions the project depends on (this package's own, kept in step with tscni's). */
  versions: { tscni: string; zod: string; typescript: string; vitest: string };
  /** Where the templates are (this package's templates/). */
  templatesDir: string;
}

export interface CreateReport {
  dir: string;
  type: string;
  template: TemplateName;
  files: string[];
}

/** Files under `root` (relative paths), depth first, sorted. */
function listFiles(root: string, sub = ""): string[] {
  return readdirSync(join(root, sub), { withFileTypes: true })
    .sort((a, b) => a.name.localeCompare(b.name))
    .flatMap((d) => (d.isDirectory() ? listFiles(root, join(sub, d.name)) : [join(sub, d.name)]));
}

/** npm drops files named .gitignore from published packages: templates keep it as `gitignore`. */
const targetName = (rel: string) => rel.replace(/(^|\/)gitignore$/, "$1.gitignore");

/**
 * Write a new plugin project from a template. Checks everything first (the name, the
 * template, the target directory: missing or empty, never overwritten), then writes.
 */
export function createProject(o: CreateOptions): CreateReport {
  const { packageName, type } = checkProjectName(o.name);
  const template = o.template ?? "chained";
  if (!(TEMPLATES as readonly string[]).includes(template)) {
    throw new CniError(ErrorCode.InvalidConfig, `unknown template ${JSON.stringify(template)}`, `templates: ${TEMPLATES.join(", ")}`);
  }
  const dir = resolve(o.dir ?? type);
  if (existsSync(dir)) {
    if (!statSync(dir).isDirectory()) throw new CniError(ErrorCode.InvalidConfig, `${dir} exists and is not a directory`);
    if (readdirSync(dir).length > 0) throw new CniError(ErrorCode.InvalidConfig, `${dir} is not empty: nothing was written`, "choose a new directory; an existing project is never overwritten");
  }
  const src = join(o.templatesDir, template);
  const vars: Record<string, string> = {
    packageName,
    type,
    tscniRange: `^${o.versions.tscni}`,
    zodVersion: o.versions.zod,
    typescriptVersion: o.versions.typescript,
    vitestVersion: o.versions.vitest,
  };
  const fill = (text: string) => text.replace(/\{\{(\w+)\}\}/g, (m, k: string) => vars[k] ?? m);
  const files = listFiles(src);
  const rendered = files.map((rel) => ({ rel: targetName(rel), text: fill(readFileSync(join(src, rel), "utf8")) }));
  for (const f of rendered) {
    const left = /\{\{\w+\}\}/.exec(f.text);
    if (left) throw new CniError(ErrorCode.Internal, `template ${template}/${f.rel} uses ${left[0]}, which has no value`);
  }
  mkdirSync(dir, { recursive: true });
  for (const f of rendered) {
    const out = join(dir, f.rel);
    mkdirSync(dirname(out), { recursive: true });
    writeFileSync(out, f.text, { flag: "wx" });
  }
  return { dir, type, template, files: rendered.map((f) => relative(dir, join(dir, f.rel))) };
}
