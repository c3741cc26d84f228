import { appendFileSync } from "node:fs";
import { execStats } from "@tscni/net";

/**
 * When TSCNI_EXEC_STATS names a file, append this process's exec counts to it at exit
 * (the benchmark reports execs per ADD). Delegated IPAM runs are not @tscni/net execs:
 * they are counted by the caller. (Candidate for @tscni/net itself.)
 */
export function reportExecStatsAtExit(): void {
  const file = process.env.TSCNI_EXEC_STATS;
  if (!file) return;
  process.on("exit", () => {
    try {
      appendFileSync(file, JSON.stringify({ command: process.env.CNI_COMMAND, ...execStats() }) + "\n");
    } catch {
      // statistics must never change the plugin's outcome
    }
  });
}
