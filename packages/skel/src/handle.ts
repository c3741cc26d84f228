import { CURRENT_VERSION, CniError, ErrorCode, convertResult, parseCniArgs, parseWith, toCurrentResult } from "@tscni/types";
import type { CmdEnv } from "./env.js";
import { createLogger } from "./logger.js";
import { ownNetnsError } from "./netns-guard.js";
import { ok, type Outcome } from "./outcome.js";
import type { AnyPlugin, Context } from "./plugin.js";
import type { CheckedCall, EarlySlot, Io } from "./run.js";

/*
 * The part of a call that needs the plugin: its handler, its schema, the result conversion.
 * Loaded by run.ts once the light checks and the early hook are done, so VERSION and the
 * early phase never evaluate the schemas and result shapes this imports.
 */

type AnyHandler = (ctx: Context<unknown>) => unknown;

/** Runs the handler for a call run.ts checked; throws what goes into the error object. */
export async function handle(plugin: AnyPlugin<any>, call: CheckedCall, io: Io): Promise<Outcome> {
  const { cmd, raw, cniVersion, stdin } = call;
  const handler = pickHandler(plugin, cmd);
  if (handler === undefined) return ok("");
  if (call.ownNetns) throw ownNetnsError();

  const config = parseWith(plugin.config, raw, "network config");
  // prevResult is written in the config's version (SPEC.md section 3) and may omit its own.
  const prevResult = raw.prevResult === undefined || raw.prevResult === null ? undefined : toCurrentResult(raw.prevResult, cniVersion);
  const ctx = makeContext(cmd, config, prevResult, stdin, io, call.early);
  io.mark?.("handler");
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
}

function pickHandler(plugin: AnyPlugin<any>, cmd: CmdEnv): AnyHandler | undefined {
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
  // docs/lifecycle.md: a plugin without INIT/DEINIT answers code 4, as Go's skel does for unknown verbs.
  if (h === undefined && (cmd.command === "INIT" || cmd.command === "DEINIT"))
    throw new CniError(
      ErrorCode.InvalidEnv,
      `${cmd.command} is not needed by this plugin`,
      `it has no ${cmd.command} handler; code 4 tells a runtime there is nothing to ${cmd.command === "INIT" ? "prepare" : "release"} (docs/lifecycle.md)`,
    );
  return h;
}

function makeContext(cmd: CmdEnv, config: unknown, prevResult: Context<unknown>["prevResult"], stdin: Buffer, io: Io, early: EarlySlot | undefined): Context<unknown> {
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
    claimEarly() {
      if (!early) return undefined;
      early.claimed = true;
      return early.work;
    },
  };
}
