import { statSync } from "node:fs";
import { spawnCollect, type SpawnOutcome } from "@tscni/net/spawn";
import { embeddedFor } from "@tscni/invoke/embedded-for";
import { EMBEDDED_IPAM } from "./embedded-ipam.js";
import { mark } from "./trace.js";

/*
 * With an exec'd IPAM plugin (anything but our own host-local, which runs in-process),
 * ADD's slowest step is that exec, and it needs only stdin and the environment. The
 * executable starts it from its first module (early-start.ts), before zod, the schemas
 * and the rest load (~5 ms), and add() claims it. It is still the IPAM plugin found in
 * CNI_PATH, exec'd with our stdin and env, as the spec wants. When the call fails before
 * add() claims it (skel or add() reject the config), main releases the reservation with
 * an IPAM DEL, as add()'s own undo does. Only light imports here: this runs first.
 */

/** Same limit as @tscni/invoke's delegate. */
const TIMEOUT_MS = 60_000;

export interface EarlyIpam {
  type: string;
  path: string;
  /** The config it was given (add() takes it only for the same bytes). */
  stdin: Buffer;
  outcome: Promise<SpawnOutcome>;
  claimed: boolean;
}

let started: EarlyIpam | undefined;

/** The IPAM ADD exec started early, if any (main releases it when add() never took it). */
export const earlyIpam = (): EarlyIpam | undefined => started;

/** First regular file named `type` in CNI_PATH (libcni's FindInPath); undefined: let the normal path report. */
function findInPath(type: string, cniPath: string | undefined): string | undefined {
  if (!type || type.includes("/") || type === "." || type === "..") return undefined;
  for (const dir of (cniPath ?? "").split(":")) {
    if (!dir) continue;
    try {
      if (statSync(`${dir}/${type}`).isFile()) return `${dir}/${type}`;
    } catch {
      // not here
    }
  }
  return undefined;
}

/** For ADD: start the IPAM ADD exec when the config names an IPAM plugin that is not run in-process. */
export function startEarlyIpam(env: NodeJS.ProcessEnv, stdin: Buffer): void {
  if (!env.CNI_CONTAINERID || !env.CNI_IFNAME || !env.CNI_NETNS) return;
  let type: unknown;
  try {
    const c = JSON.parse(stdin.toString("utf8")) as { ipam?: { type?: unknown }; disableContainerInterface?: unknown };
    if (c.disableContainerInterface === true) return; // ADD fails or needs no IPAM
    type = c.ipam?.type;
  } catch {
    return; // skel reports the decode error
  }
  if (typeof type !== "string") return;
  const path = findInPath(type, env.CNI_PATH);
  if (!path || embeddedFor(type, path, EMBEDDED_IPAM)) return; // not found, or add() runs it in-process
  const outcome = spawnCollect([path], { env: { ...env, CNI_COMMAND: "ADD" }, input: stdin, timeoutMs: TIMEOUT_MS });
  outcome.catch(() => {}); // claimed or released later; a spawn failure must not go unhandled
  started = { type, path, stdin, outcome, claimed: false };
  mark(`early IPAM exec started: ${path}`);
}

/**
 * add()'s IPAM exec, when it is the one started early: same plugin type, same stdin,
 * the process environment. Marks it claimed; undefined when there is none to take.
 */
export function claimEarlyIpam(type: string, stdin: Buffer, env: object): EarlyIpam | undefined {
  const e = started;
  if (!e || e.claimed || e.type !== type || env !== process.env || !e.stdin.equals(stdin)) return undefined;
  e.claimed = true;
  return e;
}
