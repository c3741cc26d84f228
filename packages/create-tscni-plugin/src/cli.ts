#!/usr/bin/env node
// `npm create tscni-plugin NAME [--template chained|interface] [--dir DIR]`
// (also `pnpm create tscni-plugin NAME`, `npx create-tscni-plugin NAME`).
import { readFileSync } from "node:fs";
import { basename, dirname, join, relative } from "node:path";
import { fileURLToPath } from "node:url";
import { isCniError } from "@tscni/types";
import { createProject, TEMPLATES, type TemplateName } from "./create.js";

// The package's root: above src/ when run from source, above dist/src/ when compiled.
const here = dirname(fileURLToPath(import.meta.url));
const root = join(here, basename(dirname(here)) === "dist" ? "../.." : "..");
const pkg = JSON.parse(readFileSync(join(root, "package.json"), "utf8")) as { version: string; tscniPins: { zod: string; typescript: string; vitest: string } };

const USAGE = `usage: npm create tscni-plugin NAME [-- --template ${TEMPLATES.join("|")}] [--dir DIR]

  NAME        the plugin's npm package name; its last part is the plugin type (the
              executable's name in /opt/cni/bin)
  --template  chained (default): runs after an interface plugin, like tuning
              interface: creates the container's interface and delegates IPAM, like bridge
  --dir       where to create it (default: ./TYPE); it must be missing or empty`;

function parse(argv: string[]): { name?: string; template?: string; dir?: string; help: boolean } {
  const out: { name?: string; template?: string; dir?: string; help: boolean } = { help: false };
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i]!;
    if (a === "-h" || a === "--help") out.help = true;
    else if (a === "--template" || a === "-t") out.template = argv[++i];
    else if (a.startsWith("--template=")) out.template = a.slice(11);
    else if (a === "--dir") out.dir = argv[++i];
    else if (a.startsWith("--dir=")) out.dir = a.slice(6);
    else if (!out.name && !a.startsWith("-")) out.name = a;
    else throw new Error(`unexpected argument ${JSON.stringify(a)}`);
  }
  return out;
}

try {
  const args = parse(process.argv.slice(2));
  if (args.help || !args.name) {
    process.stdout.write(`${USAGE}\n`);
    process.exit(args.help ? 0 : 2);
  }
  const r = createProject({
    name: args.name,
    ...(args.dir ? { dir: args.dir } : {}),
    ...(args.template ? { template: args.template as TemplateName } : {}),
    versions: { tscni: pkg.version, ...pkg.tscniPins },
    templatesDir: join(root, "templates"),
  });
  const where = relative(process.cwd(), r.dir) || ".";
  process.stdout.write(
    [
      `Created ${r.type} (${r.template} template) in ${where}:`,
      ...r.files.map((f) => `  ${f}`),
      "",
      "Next:",
      `  cd ${where}`,
      "  npm install",
      "  npm run build      # dist/" + r.type + ": one executable for /opt/cni/bin",
      "  sudo npm test      # runs it in throwaway network namespaces (needs root)",
      "",
    ].join("\n"),
  );
} catch (e) {
  process.stderr.write(`create-tscni-plugin: ${isCniError(e) ? `${e.message}${e.details ? `\n  ${e.details}` : ""}` : (e as Error).message}\n`);
  process.exit(1);
}
