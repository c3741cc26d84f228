import { CniError, ErrorCode } from "@tscni/types";
import { inNetns, runIn, type Netns } from "./netns.js";
import { ExecError, isExecFailure } from "./exec.js";

/** Run `ip ARGS` inside ns. */
export async function ip(ns: Netns, args: readonly string[], input?: string): Promise<string> {
  const r = await runIn(ns, ["ip", ...args], input === undefined ? {} : { input });
  return r.stdout;
}

/** Run `ip -json ARGS` and parse; `[]` when the object does not exist and `missingOk`. */
export async function ipJson<T>(ns: Netns, args: readonly string[], missingOk = false): Promise<T[]> {
  try {
    const out = await ip(ns, ["-json", ...args]);
    return out.trim() ? (JSON.parse(out) as T[]) : [];
  } catch (e) {
    if (missingOk && isExecFailure(e, "not-found")) return [];
    throw e;
  }
}

/** iproute2's batch reader splits on blanks and honours quotes and "#": keep tokens plain. */
function batchLine(args: readonly string[]): string {
  for (const t of args) {
    if (t === "" || /[\s"'\\#]/.test(t)) throw new CniError(ErrorCode.InvalidConfig, `cannot batch argument ${JSON.stringify(t)}`);
  }
  return args.join(" ");
}

/**
 * Run several commands of `prog` (ip or bridge) in one exec via `-batch -`. It stops at
 * the first failure; the error names that command, not just its line number.
 */
export async function runBatch(ns: Netns, prog: "ip" | "bridge", cmds: readonly (readonly string[])[]): Promise<void> {
  if (cmds.length === 0) return;
  if (cmds.length === 1) {
    await runIn(ns, [prog, ...cmds[0]!]);
    return;
  }
  const input = cmds.map(batchLine).join("\n") + "\n";
  try {
    await runIn(ns, [prog, "-batch", "-"], { input });
  } catch (e) {
    if (!(e instanceof ExecError)) throw e;
    const m = /Command failed -:(\d+)/.exec(e.stderr);
    const failed = m ? cmds[Number(m[1]) - 1] : undefined;
    if (!failed) throw e;
    const stderr = e.stderr.replace(/\n?Command failed -:\d+\s*$/, "");
    throw new ExecError(inNetns(ns, [prog, ...failed]), stderr, e.exitCode, e.failure, e.code);
  }
}
