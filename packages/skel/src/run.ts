import { CniError, ErrorCode } from "@tscni/types/errors";
import { ALL_VERSIONS, CURRENT_VERSION } from "@tscni/types/version";
import { entryOf, type AnyEntry } from "./entry.js";
import { readCmdEnv, type CmdEnv } from "./env.js";
import { validateNetworkName } from "./names.js";
import { refusesNetns } from "./netns-guard.js";
import { fail, ok, type Outcome } from "./outcome.js";
import type { AnyPlugin, EarlyWork, PluginEntry } from "./plugin.js";
import { versionAnswer } from "./version-answer.js";
import { checkVersion } from "./version-check.js";

export type { Outcome };

export interface Io {
  env: Record<string, string | undefined>;
  /** Read once, when the call gets that far (not for a CNI_COMMAND skel refuses). */
  stdin: () => Buffer;
  stderr: (s: string) => void;
  /** Called with skel's steps (the executable's TSCNI_TRACE). */
  mark?: (label: string) => void;
}

/** What the light phase hands the rest of the call. */
export interface CheckedCall {
  cmd: CmdEnv;
  stdin: Buffer;
  raw: Record<string, unknown>;
  cniVersion: string;
  /** CNI_NETNS is the plugin's own netns: refused once the handler is known (refusesNetns). */
  ownNetns: boolean;
  early: EarlySlot | undefined;
}

/** The early hook's work and whether the handler took it. */
export interface EarlySlot {
  work: EarlyWork;
  claimed: boolean;
}

/**
 * Runs one CNI call: never throws, always returns what goes to stdout and the exit code.
 * Light part first (env, VERSION, stdin, network name, version, own netns: the checks
 * that need no schema), then the early hook, then the plugin and the rest of skel load
 * (handle.ts) for the schema and the handler. Early work the handler did not claim is
 * released before the outcome is returned.
 */
export async function run(target: AnyPlugin<any> | AnyEntry, io: Io): Promise<Outcome> {
  const entry = entryOf(target);
  let cniVersion = CURRENT_VERSION;
  let early: EarlySlot | undefined;
  let outcome: Outcome;
  try {
    const cmd = readCmdEnv(io.env);
    const versions = entry.versions ?? ALL_VERSIONS;
    if (cmd.command === "VERSION") return ok(versionAnswer(io.stdin, versions));

    const stdin = io.stdin();
    const raw = decodeConfig(stdin);
    cniVersion = typeof raw.cniVersion === "string" && raw.cniVersion !== "" ? raw.cniVersion : "0.1.0";
    validateNetworkName(typeof raw.name === "string" ? raw.name : "");
    checkVersion(cmd.command, cniVersion, versions);
    const ownNetns = refusesNetns(cmd);

    if (entry.early && !ownNetns) {
      const { command, containerId, netns, ifname, cniArgs, path } = cmd;
      const work = await entry.early({ command: command as Exclude<typeof command, "VERSION">, containerId, netns, ifname, cniArgs, path, cniVersion, config: raw, stdin, env: io.env, stderr: io.stderr });
      if (work) early = { work, claimed: false };
      io.mark?.("early hook done");
    }
    const [plugin, { handle }] = await Promise.all([entry.load(), import("./handle.js")]);
    io.mark?.("plugin loaded");
    outcome = await handle(plugin, { cmd, stdin, raw, cniVersion, ownNetns, early }, io);
  } catch (e) {
    outcome = fail(e, cniVersion, io.stderr);
  }
  if (early && !early.claimed) {
    try {
      await early.work.release();
    } catch (e) {
      io.stderr(`releasing the early hook's unclaimed work: ${e instanceof Error ? e.message : String(e)}\n`);
    }
  }
  return outcome;
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
