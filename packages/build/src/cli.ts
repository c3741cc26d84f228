import { realpathSync } from "node:fs";
import { resolve } from "node:path";
import { pathToFileURL } from "node:url";
import { buildExecutable } from "./build.js";
import { TARGETS, type Target } from "./options.js";

const USAGE = "usage: tscni-build <entry.ts> [--target standalone|node] -o <file> [--force] [--embed [type=]package|dir]... [--no-embed]";

export interface CliArgs {
  entry: string;
  target: Target;
  outfile: string;
  force: boolean;
  /** --embed / --no-embed; undefined: the entry's package.json decides (tscni.embed). */
  embed?: string[];
}

/** Parse tscni-build's arguments; throws with the usage line on anything wrong. */
export function parseArgs(argv: readonly string[]): CliArgs {
  let entry: string | undefined;
  let target: Target = "standalone";
  let outfile: string | undefined;
  let force = false;
  let embed: string[] | undefined;
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i]!;
    const value = (): string => {
      const v = argv[++i];
      if (v === undefined) throw new Error(`${a} needs a value\n${USAGE}`);
      return v;
    };
    if (a === "--target" || a === "-t") target = value() as Target;
    else if (a.startsWith("--target=")) target = a.slice(9) as Target;
    else if (a === "-o" || a === "--outfile") outfile = value();
    else if (a.startsWith("--outfile=")) outfile = a.slice(10);
    else if (a === "--force") force = true;
    else if (a === "--embed") embed = [...(embed ?? []), value()];
    else if (a.startsWith("--embed=")) embed = [...(embed ?? []), a.slice(8)];
    else if (a === "--no-embed") embed = [];
    else if (a.startsWith("-")) throw new Error(`unknown option ${a}\n${USAGE}`);
    else if (entry === undefined) entry = a;
    else throw new Error(`unexpected argument ${a}\n${USAGE}`);
  }
  if (!TARGETS.includes(target)) throw new Error(`unknown target ${target}\n${USAGE}`);
  if (!entry || !outfile) throw new Error(USAGE);
  return { entry, target, outfile, force, ...(embed ? { embed } : {}) };
}

async function main(): Promise<void> {
  let args: CliArgs;
  try {
    args = parseArgs(process.argv.slice(2));
  } catch (e) {
    console.error((e as Error).message);
    process.exit(2);
  }
  try {
    const r = await buildExecutable(args.entry, { target: args.target, outfile: args.outfile, force: args.force, ...(args.embed ? { embed: args.embed } : {}) });
    const embedded = r.embedded.length ? `, embeds ${r.embedded.join(", ")}` : "";
    console.log(`${r.upToDate ? "up to date" : "built"}: ${r.outfile} (${r.target}, ${(r.bytes / 1024).toFixed(0)} KiB, ${r.ms.toFixed(0)} ms${embedded})`);
  } catch (e) {
    console.error(`tscni-build: ${(e as Error).message}`);
    process.exit(1);
  }
}

// Run as a program: directly, or through the bin link npm/pnpm make (argv[1] is the link).
if (process.argv[1] && import.meta.url === pathToFileURL(realpathSync(resolve(process.argv[1]))).href) await main();
