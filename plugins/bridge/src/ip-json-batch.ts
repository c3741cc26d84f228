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
export async function ipJsonBatch(ns: Netns, cmds: Cmds | Promise<Cmds>, details = false): Promise<unknown[][]> {
  const input = cmds instanceof Promise ? cmds.then(format) : format(cmds);
  let stdout: string;
  try {
    stdout = (await runIn(ns, ["ip", "-json", ...(details ? ["-details"] : []), "-batch", "-"], { input })).stdout;
  } catch (e) {
    if (!(e instanceof ExecError)) throw e;
    const m = /Command failed -:(\d+)/.exec(e.stderr);
    const i = m ? Number(m[1]) - 1 : -1;
    const failed = i >= 0 ? (await cmds)[i] : undefined;
    throw new BatchError(e, i, failed ? inNetns(ns, ["ip", ...failed]) : e.argv);
  }
  return stdout.split("\n").filter((l) => l.trim() !== "").map((l) => JSON.parse(l) as unknown[]);
}

type Cmds = readonly (readonly string[])[];
const format = (cmds: Cmds) => cmds.map((c) => c.join(" ")).join("\n") + "\n";

/** An `ip -batch` exec already running, waiting for its commands. */
export interface StartedBatch {
  /** Run these (once); resolves with the batch's JSON output. */
  send(cmds: Cmds): Promise<unknown[][]>;
  /** Not needed after all: the exec gets no commands and exits. */
  cancel(): Promise<void>;
}

/**
 * Start `ip -json -batch -` in `ns` now and give it its commands later: its exec, loading
 * and netns switch overlap whatever the commands wait for (the IPAM answer in ADD).
 */
export function startBatch(ns: Netns): StartedBatch {
  let give!: (c: Cmds) => void;
  let drop!: (e: Error) => void;
  const cmds = new Promise<Cmds>((res, rej) => ((give = res), (drop = rej)));
  cmds.catch(() => {}); // a cancel is not an error
  const out = ipJsonBatch(ns, cmds);
  out.catch(() => {}); // surfaced by send(); a failure before send must not go unhandled
  return {
    send(c) {
      give(c);
      return out;
    },
    async cancel() {
      drop(new Error("batch cancelled"));
      await out.catch(() => {});
    },
  };
}
