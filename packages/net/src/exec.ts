import { CniError, ErrorCode } from "@tscni/types";
import { spawnCollect, type SpawnOutcome } from "./spawn.js";
import { classify, codeFor, type NetFailure } from "./errors.js";

/** What a failing program told us, classified so callers can branch without parsing stderr. */
export type ExecFailure = NetFailure;

/**
 * A program exited non-zero (or could not start). msg is one line: the command and the
 * program's reason ("ip link del dev eth0: Cannot find device "eth0""); details the whole
 * command line, the exit status and all of stderr. `code` defaults from `failure` (11 busy,
 * 50 missing binary, else 999); `reason` replaces stderr's first line in msg when the
 * program's own words are not the best reason.
 */
export class ExecError extends CniError {
  readonly argv: readonly string[];
  readonly stderr: string;
  readonly exitCode: number | null;
  readonly failure: ExecFailure;
  /** What it printed on stdout before it failed (a batch's answers so far). */
  stdout = "";
  /** Always set: command line, exit status and stderr. */
  declare readonly details: string;
  constructor(argv: readonly string[], stderr: string, exitCode: number | null, failure: ExecFailure, code?: number, reason?: string) {
    const why = reason ?? firstReason(stderr) ?? (exitCode === null ? "did not run" : `exit status ${exitCode}`);
    super(code ?? codeFor(failure), `${shownCommand(argv)}: ${why}`, execDetails(argv, exitCode, stderr));
    this.argv = argv;
    this.stderr = stderr;
    this.exitCode = exitCode;
    this.failure = failure;
  }
}

const MAX_SHOWN = 200;

/** The command as an operator would type it: no nsenter wrapper, the program by name, capped. */
function shownCommand(argv: readonly string[]): string {
  let cmd = argv;
  if (argv[0] === "nsenter" && argv.includes("--")) {
    const [prog = "", ...rest] = argv.slice(argv.indexOf("--") + 1);
    cmd = [prog.slice(prog.lastIndexOf("/") + 1), ...rest];
  }
  const line = commandLine(cmd);
  return line.length > MAX_SHOWN ? `${line.slice(0, MAX_SHOWN)}...` : line;
}

/** argv as one line; words that are not plain are JSON-quoted so the split stays visible. */
function commandLine(argv: readonly string[]): string {
  return argv.map((a) => (/^[\w@%+=:,./-]+$/.test(a) ? a : JSON.stringify(a))).join(" ");
}

/** The line of stderr that says why: the first that is not a warning (iproute2, nft and iptables put it first). */
function firstReason(stderr: string): string | undefined {
  const lines = stderr.split("\n").map((l) => l.trim()).filter((l) => l !== "");
  return lines.find((l) => !/^warning\b/i.test(l)) ?? lines[0];
}

function execDetails(argv: readonly string[], exitCode: number | null, stderr: string): string {
  const status = exitCode === null ? "no exit status" : `exit status ${exitCode}`;
  return `command: ${commandLine(argv)}\n${status}\nstderr: ${stderr.trim() || "(empty)"}`;
}

export interface ExecResult {
  stdout: string;
  stderr: string;
}

export interface ExecOptions {
  /**
   * Written to the program's stdin, then stdin is closed. A promise: the program starts
   * at once and gets its input when the promise resolves (a rejection closes stdin empty),
   * so its startup overlaps whatever produces the input.
   */
  input?: string | Promise<string>;
}

interface Stats {
  execs: number;
  byProgram: Record<string, number>;
}
let stats: Stats = { execs: 0, byProgram: {} };

/** Exec counters since start (or the last reset): the bridge benchmark reads these. */
export function execStats(): { execs: number; byProgram: Record<string, number> } {
  return { execs: stats.execs, byProgram: { ...stats.byProgram } };
}

export function resetExecStats(): void {
  stats = { execs: 0, byProgram: {} };
}

/**
 * Run a program with an argument array (never a shell). Resolves with its output on
 * exit 0, rejects with ExecError otherwise.
 */
export async function run(argv: readonly string[], opts: ExecOptions = {}): Promise<ExecResult> {
  const file = argv[0];
  if (file === undefined) throw new CniError(ErrorCode.Internal, "run: empty argv");
  stats.execs++;
  // Count the program that does the work, not the nsenter wrapper.
  const target = file === "nsenter" ? (argv[argv.indexOf("--") + 1] ?? file) : file;
  const prog = target.slice(target.lastIndexOf("/") + 1);
  stats.byProgram[prog] = (stats.byProgram[prog] ?? 0) + 1;
  let r: SpawnOutcome;
  try {
    r = await spawnCollect(argv, { env: { ...process.env, LC_ALL: "C" }, input: opts.input });
  } catch (e) {
    const err = e as NodeJS.ErrnoException;
    const missing = err.code === "ENOENT";
    throw new ExecError(argv, err.message, null, missing ? "missing-binary" : "other", undefined, missing ? "program not found" : `cannot start (${err.code ?? err.message})`);
  }
  if (r.exitCode === 0) return { stdout: r.stdout, stderr: r.stderr };
  const text = r.stderr || r.stdout;
  const err = new ExecError(argv, text, r.exitCode, classify(text), undefined, r.signal && !text.trim() ? `killed by ${r.signal}` : undefined);
  err.stdout = r.stdout;
  throw err;
}
