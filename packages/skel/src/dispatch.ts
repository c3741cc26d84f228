import { ALL_VERSIONS, CURRENT_VERSION, CniError, ErrorCode, compareVersions, convertResult, describeError, isCniError, parseCniArgs, parseWith, toCurrentResult } from "@tscni/types";
import type { CmdEnv } from "./env.js";
import { readCmdEnv } from "./env.js";
import { createLogger } from "./logger.js";
import { validateNetworkName } from "./names.js";
import { refuseOwnNetns } from "./netns-guard.js";
import type { Context, Plugin } from "./plugin.js";
import { checkVersion } from "./version-check.js";

export interface Io {
  env: Record<string, string | undefined>;
  /** Read once, when the call gets that far (not for a CNI_COMMAND skel refuses). */
  stdin: () => Buffer;
  stderr: (s: string) => void;
}

export interface Outcome {
  stdout: string;
  exitCode: number;
}

/** Runs one CNI call: never throws, always returns what goes to stdout and the exit code. */
export async function run(plugin: Plugin, io: Io): Promise<Outcome> {
  let cniVersion = CURRENT_VERSION;
  try {
    const cmd = readCmdEnv(io.env);
    const versions = plugin.versions ?? ALL_VERSIONS;
    if (cmd.command === "VERSION") return ok(JSON.stringify({ cniVersion: versionAsked(io) ?? highest(versions), supportedVersions: versions }));

    const stdin = io.stdin();
    const raw = decodeConfig(stdin);
    cniVersion = typeof raw.cniVersion === "string" && raw.cniVersion !== "" ? raw.cniVersion : "0.1.0";
    validateNetworkName(typeof raw.name === "string" ? raw.name : "");
    checkVersion(cmd.command, cniVersion, versions);

    const handler = pickHandler(plugin, cmd);
    if (handler === undefined) return ok("");
    if (cmd.command === "ADD" || cmd.command === "CHECK" || cmd.command === "DEL") {
      if (!cmd.netnsOverride) refuseOwnNetns(cmd.netns);
    }

    const config = parseWith(plugin.config, raw, "network config");
    // prevResult is written in the config's version (SPEC.md section 3) and may omit its own.
    const prevResult = raw.prevResult === undefined || raw.prevResult === null ? undefined : toCurrentResult(raw.prevResult, cniVersion);
    const ctx = makeContext(cmd, config, prevResult, stdin, io);
    const result = await handler(ctx);

    if (cmd.command !== "ADD") return ok("");
    try {
      if (result === undefined || result === null) throw new CniError(ErrorCode.Internal, "plugin returned no result for ADD");
      return ok(JSON.stringify(convertResult({ ...(result as object), cniVersion: CURRENT_VERSION }, cniVersion)));
    } catch (e) {
      // The ADD did its work but cannot answer in the config's version (say, no IP for a
      // 0.2.0 result): the runtime sees a failed ADD and sends no DEL, so undo it here.
      // Copy descriptors, not values: reading ctx.args here would parse CNI_ARGS.
      const delCtx = Object.defineProperties({}, { ...Object.getOwnPropertyDescriptors(ctx), command: { value: "DEL", enumerable: true } });
      await Promise.resolve()
        .then(() => (plugin.undoAdd ?? plugin.del)(delCtx as never))
        .catch((undoErr: unknown) => io.stderr(`undo of ADD after a result error failed: ${String(undoErr)}\n`));
      throw e;
    }
  } catch (e) {
    return fail(e, cniVersion, io);
  }
}

type AnyHandler = (ctx: Context<unknown>) => unknown;

function pickHandler(plugin: Plugin, cmd: CmdEnv): AnyHandler | undefined {
  const byVerb: Record<string, AnyHandler | undefined> = {
    ADD: plugin.add as AnyHandler,
    DEL: plugin.del as AnyHandler,
    CHECK: plugin.check as AnyHandler | undefined,
    STATUS: plugin.status as AnyHandler | undefined,
    GC: plugin.gc as AnyHandler | undefined,
    INIT: plugin.init as AnyHandler | undefined,
    DEINIT: plugin.deinit as AnyHandler | undefined,
  };
  const h = byVerb[cmd.command];
  // LIFECYCLE.md: a plugin without INIT/DEINIT answers code 4, as Go's skel does for unknown verbs.
  if (h === undefined && (cmd.command === "INIT" || cmd.command === "DEINIT"))
    throw new CniError(ErrorCode.InvalidEnv, `unknown CNI_COMMAND: ${cmd.command}`, "this plugin does not implement it");
  return h;
}

/**
 * VERSION's input is `{"cniVersion": ...}` and its answer carries that same version (SPEC.md
 * "VERSION"). Undefined when there is none to echo: no stdin, not JSON, no string version.
 * Only JSON.parse: VERSION is every plugin's start-up cost, so no schema is built here.
 */
function versionAsked(io: Io): string | undefined {
  try {
    const v = (JSON.parse(io.stdin().toString("utf8")) as { cniVersion?: unknown } | null)?.cniVersion;
    return typeof v === "string" && v !== "" ? v : undefined;
  } catch {
    return undefined;
  }
}

function highest(versions: readonly string[]): string {
  return versions.reduce((a, b) => (compareVersions(b, a) > 0 ? b : a), versions[0] ?? CURRENT_VERSION);
}

function decodeConfig(stdin: Buffer): Record<string, unknown> {
  let raw: unknown;
  try {
    raw = JSON.parse(stdin.toString("utf8"));
  } catch (e) {
    // The engine's own wording differs between Node and Bun: keep it out of msg.
    throw new CniError(ErrorCode.DecodeFailure, "error decoding network config: invalid JSON", (e as Error).message);
  }
  if (typeof raw !== "object" || raw === null || Array.isArray(raw))
    throw new CniError(ErrorCode.DecodeFailure, "error decoding network config: not a JSON object", `stdin holds ${raw === null ? "null" : Array.isArray(raw) ? "an array" : `a ${typeof raw}`}`);
  return raw as Record<string, unknown>;
}

function makeContext(cmd: CmdEnv, config: unknown, prevResult: Context<unknown>["prevResult"], stdin: Buffer, io: Io): Context<unknown> {
  let args: Array<[string, string]> | undefined;
  const c = config as { logFile?: unknown; logLevel?: unknown; type?: unknown };
  const log = createLogger({
    file: typeof c.logFile === "string" ? c.logFile : io.env.CNI_LOG_FILE,
    level: c.logLevel === "debug" || c.logLevel === "warn" || c.logLevel === "error" ? c.logLevel : "info",
    stderr: io.stderr,
    prefix: typeof c.type === "string" ? c.type : undefined,
  });
  return {
    command: cmd.command,
    containerId: cmd.containerId,
    netns: cmd.netns,
    ifname: cmd.ifname,
    cniArgs: cmd.cniArgs,
    get args() {
      return (args ??= parseCniArgs(cmd.cniArgs));
    },
    path: cmd.path,
    config,
    prevResult,
    stdin,
    env: io.env,
    log,
    stderr: io.stderr,
  };
}

const ok = (stdout: string): Outcome => ({ stdout, exitCode: 0 });

/** The spec's error object (all four keys) for whatever was thrown. */
function fail(e: unknown, cniVersion: string, io: Io): Outcome {
  let err: CniError;
  if (isCniError(e)) err = e as CniError;
  else {
    const msg = e instanceof Error ? e.message : String(e);
    // The stack helps whoever reads the log; stdout keeps only the spec's error object.
    io.stderr(`${e instanceof Error && e.stack ? e.stack : msg}\n`);
    err = new CniError(ErrorCode.Internal, firstLine(msg) || "internal error", describeError(e));
  }
  return { stdout: JSON.stringify(CniError.prototype.toJSON.call(err, cniVersion)), exitCode: 1 };
}

/** msg is one line; the whole text is in details. */
function firstLine(s: string): string {
  const i = s.indexOf("\n");
  return (i < 0 ? s : s.slice(0, i)).trim();
}
