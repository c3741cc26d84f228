import { appendFileSync, renameSync, rmSync, chmodSync } from "node:fs";
import { bunPath } from "./bun-path.js";
import { BUN_FLAGS } from "./options.js";
import { runTool } from "./run-tool.js";

/**
 * `bun build --compile` entry into outfile (via a temp file + rename, so a half-written
 * binary never shows), then `trailer` appended: Bun finds its payload through the ELF
 * section table, so bytes after the end are never read by it.
 */
export async function compileStandalone(entry: string, outfile: string, extraFlags: readonly string[] = [], trailer = ""): Promise<void> {
  const tmp = `${outfile}.tmp-${process.pid}`;
  try {
    await runTool([bunPath(), "build", ...BUN_FLAGS, ...extraFlags, entry, `--outfile=${tmp}`]);
    if (trailer) appendFileSync(tmp, trailer);
    chmodSync(tmp, 0o755);
    renameSync(tmp, outfile);
  } finally {
    rmSync(tmp, { force: true });
  }
}
