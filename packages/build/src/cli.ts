import { realpathSync } from "node:fs";
import { resolve } from "node:path";
import { pathToFileURL } from "node:url";
import { buildExecutable } from "./build.js";
import { buildMultiCall } from "./multi-call.js";
import { TARGETS, type Target } from "./options.js";

const USAGE = `usage: tscni-build <entry.ts> [--target standalone|node] -o <file> [--force] [--embed [type=]package|dir]... [--no-embed]
       tscni-build --multi [name=]<entry.ts>... [--target standalone|node] -o <file> [--force]`;

export interface CliArgs {
  /** The entry; with --multi, the first of `multi`. */
  entry: string;
  /** --multi: `[name=]entry.ts` of every plugin the file holds. */
  multi?: string[];
  target: Target;
  outfile: string;
  force: boolean;
  /** --embed / --no-embed; undefined: the entry's package.json decides (tscni.embed). */
  embed?: string[];
}

/** Parse tscni-build's arguments; throws with the usage line on anything wrong. */
export function parseArgs(argv: readonly string[]): CliArgs {
  const entries: string[] = [];
  let multi = false;
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
    else if (a === "--multi") multi = true;
    else if (a.startsWith("-")) throw new Error(`unknown option ${a}\n${USAGE}`);
    else entries.push(a);
  }
  if (!TARGETS.includes(target)) throw new Error(`unknown target ${target}\n${USAGE}`);
  if (entries.length === 0 || !outfile) throw new Error(USAGE);
  if (!multi && entries.length > 1) throw new Error(`unexpected argument ${entries[1]}\n${USAGE}`);
  // A multi-call file takes each entry's embed list from its package.json.
  if (multi && embed) throw new Error(`--embed and --no-embed do not apply to --multi\n${USAGE}`);
  return { entry: entries[0]!, target, outfile, force, ...(multi ? { multi: entries } : {}), ...(embed ? { embed } : {}) };
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
    const opts = { target: args.target, outfile: args.outfile, force: args.force };
    const r = args.multi ? await buildMultiCall(args.multi, opts) : await buildExecutable(args.entry, { ...opts, ...(args.embed ? { embed: args.embed } : {}) });
    const embedded = `${r.held ? `, holds ${r.held.join(", ")}` : ""}${r.embedded.length ? `, in-process delegates ${r.embedded.join(", ")}` : ""}`;
    console.log(`${r.upToDate ? "up to date" : "built"}: ${r.outfile} (${r.target}, ${(r.bytes / 1024).toFixed(0)} KiB, ${r.ms.toFixed(0)} ms${embedded})`);
  } catch (e) {
    console.error(`tscni-build: ${(e as Error).message}`);
    process.exit(1);
  }
}

// Run as a program: directly, or through the bin link npm/pnpm make (argv[1] is the link).
if (process.argv[1] && import.meta.url === pathToFileURL(realpathSync(resolve(process.argv[1]))).href) await main();
