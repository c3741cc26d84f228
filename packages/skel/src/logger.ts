import { appendFileSync } from "node:fs";

export type LogLevel = "debug" | "info" | "warn" | "error";
const RANK: Record<LogLevel, number> = { debug: 10, info: 20, warn: 30, error: 40 };

export interface Logger {
  debug(msg: string, fields?: Record<string, unknown>): void;
  info(msg: string, fields?: Record<string, unknown>): void;
  warn(msg: string, fields?: Record<string, unknown>): void;
  error(msg: string, fields?: Record<string, unknown>): void;
}

export interface LoggerOptions {
  /** Append here instead of stderr. */
  file?: string;
  level?: LogLevel;
  /** Where stderr lines go (dispatch() captures them in-process). */
  stderr?: (line: string) => void;
  prefix?: string;
}

/** Logs never go to stdout: stdout belongs to the result JSON. */
export function createLogger(opts: LoggerOptions = {}): Logger {
  const min = RANK[opts.level ?? "info"];
  const sink = opts.file
    ? (line: string) => {
        try {
          appendFileSync(opts.file!, line);
        } catch {
          opts.stderr?.(line); // an unwritable log file must not fail the operation
        }
      }
    : (opts.stderr ?? ((line: string) => process.stderr.write(line)));
  const emit = (level: LogLevel) => (msg: string, fields?: Record<string, unknown>) => {
    if (RANK[level] < min) return;
    const extra = fields ? " " + JSON.stringify(fields) : "";
    sink(`${new Date().toISOString()} ${level.toUpperCase()} ${opts.prefix ? opts.prefix + ": " : ""}${msg}${extra}\n`);
  };
  return { debug: emit("debug"), info: emit("info"), warn: emit("warn"), error: emit("error") };
}
