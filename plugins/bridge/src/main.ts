import { mark } from "./trace.js";
import { earlyStart } from "./early-start.js"; // must stay first after trace: starts ADD's IPAM exec or DEL's link deletion before the rest loads
import { pluginMain, stdinOrError } from "@tscni/skel";
import { bridgePlugin } from "./plugin.js";
import { reportExecStatsAtExit } from "./exec-stats.js";
import { releaseUnclaimedIpam } from "./ipam-add.js";

mark("imports done");
reportExecStatsAtExit();

// Stdin may already have been read by early-start; an early IPAM exec that add() did
// not claim (the call failed first) is released before the process exits.
const early = earlyStart();
void pluginMain(bridgePlugin, {
  ...(early ? { stdin: () => stdinOrError(early.read) } : {}),
  afterRun: (exitCode, stderr) => releaseUnclaimedIpam(exitCode !== 0, stderr),
});
