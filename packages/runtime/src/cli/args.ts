import { CniError, ErrorCode } from "@tscni/types";

export interface ParsedArgs {
  command: string;
  positional: string[];
  flags: Map<string, string[]>;
}

// Flags that take no value.
const BOOLEAN = new Set(["json", "force", "help", "keep", "verbose", "cluster"]);

/** Minimal argv parser: `--flag value`, `--flag=value`, `-i value`, booleans from BOOLEAN. */
export function parseArgs(argv: readonly string[]): ParsedArgs {
  const positional: string[] = [];
  const flags = new Map<string, string[]>();
  const put = (k: string, v: string) => flags.set(k, [...(flags.get(k) ?? []), v]);
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i]!;
    if (a === "-v") {
      put("verbose", "true");
    } else if (a === "-i") {
      put("ifname", argv[++i] ?? "");
    } else if (a.startsWith("--")) {
      const eq = a.indexOf("=");
      const key = eq > 0 ? a.slice(2, eq) : a.slice(2);
      if (eq > 0) put(key, a.slice(eq + 1));
      else if (BOOLEAN.has(key)) put(key, "true");
      else {
        const v = argv[++i];
        if (v === undefined) throw new CniError(ErrorCode.InvalidEnv, `flag --${key} needs a value`);
        put(key, v);
      }
    } else positional.push(a);
  }
  return { command: positional.shift() ?? "help", positional, flags };
}

export function flag(p: ParsedArgs, name: string): string | undefined {
  return p.flags.get(name)?.at(-1);
}
