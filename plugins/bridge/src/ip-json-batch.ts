import { ExecError, inNetns, runIn, type Netns } from "@tscni/net";

/** A batch that failed: which command (0-based) and why. */
export class BatchError extends ExecError {
  readonly index: number;
  constructor(e: ExecError, index: number, argv: readonly string[]) {
    super(argv, e.stderr.replace(/\n?Command failed -:\d+\s*$/, ""), e.exitCode, e.failure, e.code);
    this.index = index;
  }
}

/**
 * Run `ip -json -batch -` and return the JSON each `show` command printed (one array per
 * line). Lets one exec both change links and read them back. Failures name the command.
 * (A candidate for @tscni/net's batch.ts.)
 */
export async function ipJsonBatch(ns: Netns, cmds: readonly (readonly string[])[], details = false): Promise<unknown[][]> {
  const input = cmds.map((c) => c.join(" ")).join("\n") + "\n";
  let stdout: string;
  try {
    stdout = (await runIn(ns, ["ip", "-json", ...(details ? ["-details"] : []), "-batch", "-"], { input })).stdout;
  } catch (e) {
    if (!(e instanceof ExecError)) throw e;
    const m = /Command failed -:(\d+)/.exec(e.stderr);
    const i = m ? Number(m[1]) - 1 : -1;
    throw new BatchError(e, i, i >= 0 ? inNetns(ns, ["ip", ...cmds[i]!]) : e.argv);
  }
  return stdout.split("\n").filter((l) => l.trim() !== "").map((l) => JSON.parse(l) as unknown[]);
}
