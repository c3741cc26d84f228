import { mark } from "./trace.js";
import "./early-start.js"; // must stay first after trace: starts ADD's IPAM exec before the rest loads
import { writeSync } from "node:fs";
import { ALL_VERSIONS, CniError, ErrorCode } from "@tscni/types";
import { readStdinSync, run } from "@tscni/skel";
import { bridgePlugin } from "./plugin.js";
import { reportExecStatsAtExit } from "./exec-stats.js";
import { earlyStart, MAX_STDIN } from "./early-ipam.js";
import { releaseUnclaimedIpam } from "./ipam-add.js";

mark("imports done");
reportExecStatsAtExit();

/** skel's pluginMain, except that stdin may already have been read by early-start. */
async function main(): Promise<never> {
  const env = process.env;
  const stderr = (s: string) => writeAll(2, s);
  if (!env.CNI_COMMAND) stderr(`${bridgePlugin.about}\nCNI protocol versions supported: ${ALL_VERSIONS.join(", ")}\n`);
  const early = earlyStart();
  const stdin = (): Buffer => {
    if (!early) return readStdinSync(0);
    if (early.oversize) throw new CniError(ErrorCode.DecodeFailure, `stdin larger than ${MAX_STDIN} bytes`);
    if (!early.stdin) throw new CniError(ErrorCode.IoFailure, `error reading from stdin: ${(early.readError as Error).message}`);
    return early.stdin;
  };
  const { stdout, exitCode } = await run(bridgePlugin, { env, stdin, stderr });
  await releaseUnclaimedIpam(exitCode !== 0, stderr);
  if (stdout) writeAll(1, stdout + "\n");
  process.exit(exitCode);
}

/** Synchronous so nothing is lost when the process exits right after. */
function writeAll(fd: number, s: string): void {
  const buf = Buffer.from(s);
  let off = 0;
  while (off < buf.length) {
    try {
      off += writeSync(fd, buf, off);
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== "EAGAIN") return;
    }
  }
}

void main();
