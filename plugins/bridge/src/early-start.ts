import { readFdSync, type FdRead } from "@tscni/skel/read-fd";
import { startEarlyIpam } from "./early-ipam.js";
import { startEarlyLinkDel } from "./early-link-del.js";
import { mark } from "./trace.js";

/*
 * Imported first by main.ts, so this runs before the heavier modules load: it reads stdin
 * and, for ADD, starts the IPAM exec (early-ipam.ts), for DEL, the container end's
 * deletion (early-link-del.ts). Only light imports here and in those two.
 */

export interface EarlyStart {
  /** All of stdin, read here with skel's reader (skel then gets it from us). */
  read: FdRead;
  stdin: Buffer | undefined;
}

let started: EarlyStart | undefined;

/** What ran at startup, for main (undefined: not an ADD or DEL, or not run as the executable). */
export const earlyStart = (): EarlyStart | undefined => started;

function startEarly(env: NodeJS.ProcessEnv): void {
  if (env.CNI_COMMAND !== "ADD" && env.CNI_COMMAND !== "DEL") return;
  const read = readFdSync(0);
  started = { read, stdin: "data" in read ? read.data : undefined };
  if (!started.stdin) return;
  if (env.CNI_COMMAND === "ADD") startEarlyIpam(env, started.stdin);
  else startEarlyLinkDel(env, started.stdin);
}

startEarly(process.env);
mark("early start done");
