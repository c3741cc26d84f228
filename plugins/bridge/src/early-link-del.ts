import { existsSync } from "node:fs";
import { spawnCollect, type SpawnOutcome } from "@tscni/net/spawn";
import { ifNameProblem, isOwnNetns, missingEnv, VALID_NAME } from "@tscni/skel/precheck";
import { mark } from "./trace.js";

/*
 * DEL's slowest step is the kernel tearing down the veth (~15-20 ms here, in
 * unregister_netdevice), and it needs only CNI_NETNS and CNI_IFNAME. The executable
 * starts it from its first module, before the rest loads, and del() claims its outcome.
 * It runs only where skel's own checks (@tscni/skel/precheck: the same rules) would let
 * DEL through: every variable skel requires for DEL (CNI_PATH is not one), a valid
 * container ID and ifname, stdin that parses as a network config, CNI_NETNS not our own
 * netns (deleting there would take a host interface). So a DEL that skel turns away
 * removes nothing. Only light imports: this runs first.
 */

export interface EarlyLinkDel {
  netns: string;
  ifname: string;
  outcome: Promise<SpawnOutcome>;
  claimed: boolean;
}

let started: EarlyLinkDel | undefined;

const NAMED = /^\/(?:var\/)?run\/netns\/([^/]+)$/;

/** `ip link del` of the container end in `netns`: `ip -n NAME` for named ones, else through nsenter. */
function linkDelArgv(netns: string, ifname: string): string[] {
  const name = NAMED.exec(netns)?.[1];
  const del = ["link", "del", "dev", ifname];
  return name && name !== "." && name !== ".." ? ["ip", "-n", name, ...del] : ["nsenter", `--net=${netns}`, "--", "ip", ...del];
}

function looksLikeNetConf(stdin: Buffer): boolean {
  try {
    const c = JSON.parse(stdin.toString("utf8")) as Record<string, unknown> | null;
    return typeof c === "object" && c !== null && typeof c.name === "string" && VALID_NAME.test(c.name) && typeof c.cniVersion === "string";
  } catch {
    return false;
  }
}

/** For DEL: start deleting the container end when netns, ifname and config allow it. */
export function startEarlyLinkDel(env: NodeJS.ProcessEnv, stdin: Buffer): void {
  const { CNI_NETNS: netns, CNI_IFNAME: ifname = "", CNI_CONTAINERID: id = "" } = env;
  if (!netns?.startsWith("/") || missingEnv(env, "DEL").length > 0 || ifNameProblem(ifname) || !VALID_NAME.test(id)) return;
  // Gone: del() removes the host end by its alias instead. Our own netns: never here.
  if (!looksLikeNetConf(stdin) || !existsSync(netns) || isOwnNetns(netns)) return;
  const outcome = spawnCollect(linkDelArgv(netns, ifname), { env: { PATH: env.PATH } });
  outcome.catch(() => {}); // claimed by del(), or the process ends anyway
  started = { netns, ifname, outcome, claimed: false };
  mark("early link deletion started");
}

/** del()'s container-end deletion, when the early one was for this netns and ifname. */
export function claimEarlyLinkDel(netns: string, ifname: string): Promise<SpawnOutcome> | undefined {
  if (!started || started.claimed || started.netns !== netns || started.ifname !== ifname) return undefined;
  started.claimed = true;
  return started.outcome;
}
