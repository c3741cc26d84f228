import { statSync } from "node:fs";
import { readFdSync, type FdRead } from "@tscni/skel/read-fd";
import { spawnCollect, type SpawnOutcome } from "@tscni/net/spawn";
import { embeddedFor } from "@tscni/ipam/embedded-for";
import { startEarlyLinkDel } from "./early-link-del.js";
import { EMBEDDED_IPAM } from "./embedded-ipam.js";
import { mark } from "./trace.js";

/*
 * ADD's slowest step is the IPAM exec, and it needs only stdin and the environment. The
 * executable starts it from its first module (early-start.ts), before zod, the schemas
 * and the rest load (~5 ms), and add() claims it. It is still the IPAM plugin found in
 * CNI_PATH, exec'd with our stdin and env, as the spec wants. When the call fails before
 * add() claims it (skel or add() reject the config), main releases the reservation with
 * an IPAM DEL, as add()'s own undo does. Only light imports here: this runs first.
 */

/** Same limit as @tscni/ipam's delegate. */
const TIMEOUT_MS = 60_000;

export interface EarlyIpam {
  type: string;
  path: string;
  outcome: Promise<SpawnOutcome>;
  claimed: boolean;
}

export interface EarlyStart {
  /** All of stdin, read here with skel's reader (skel then gets it from us). */
  read: FdRead;
  stdin: Buffer | undefined;
  ipam?: EarlyIpam;
}

let started: EarlyStart | undefined;

/** What startEarly() did, for main (undefined: not an ADD or DEL, or not run as the executable). */
export const earlyStart = (): EarlyStart | undefined => started;

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

/**
 * For ADD and DEL: read stdin; ADD starts the IPAM ADD exec when the config names an
 * IPAM plugin that is not run in-process, DEL the container end's deletion.
 */
export function startEarly(env: NodeJS.ProcessEnv): void {
  if (env.CNI_COMMAND !== "ADD" && env.CNI_COMMAND !== "DEL") return;
  const read = readFdSync(0);
  started = { read, stdin: "data" in read ? read.data : undefined };
  if (env.CNI_COMMAND === "DEL") {
    if (started.stdin) startEarlyLinkDel(env, started.stdin);
    return;
  }
  if (!started.stdin || !env.CNI_CONTAINERID || !env.CNI_IFNAME || !env.CNI_NETNS) return;
  let type: unknown;
  try {
    const c = JSON.parse(started.stdin.toString("utf8")) as { ipam?: { type?: unknown }; disableContainerInterface?: unknown };
    if (c.disableContainerInterface === true) return; // ADD fails or needs no IPAM
    type = c.ipam?.type;
  } catch {
    return; // skel reports the decode error
  }
  if (typeof type !== "string") return;
  const path = findInPath(type, env.CNI_PATH);
  if (!path || embeddedFor(type, path, EMBEDDED_IPAM)) return; // not found, or add() runs it in-process
  const outcome = spawnCollect([path], { env: { ...env, CNI_COMMAND: "ADD" }, input: started.stdin, timeoutMs: TIMEOUT_MS });
  outcome.catch(() => {}); // claimed or released later; a spawn failure must not go unhandled
  started.ipam = { type, path, outcome, claimed: false };
  mark(`early IPAM exec started: ${path}`);
}

/**
 * add()'s IPAM exec, when it is the one started early: same plugin type, same stdin,
 * the process environment. Marks it claimed; undefined when there is none to take.
 */
export function claimEarlyIpam(type: string, stdin: Buffer, env: object): EarlyIpam | undefined {
  const e = started?.ipam;
  if (!e || e.claimed || e.type !== type || env !== process.env || !started!.stdin!.equals(stdin)) return undefined;
  e.claimed = true;
  return e;
}
