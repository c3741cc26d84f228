import { createHash } from "node:crypto";
import { readFileSync, existsSync } from "node:fs";
import { basename, dirname, join } from "node:path";
import { writeIfChanged } from "./write-if-changed.js";

/**
 * Standalone binaries take ~1 s each to compile; skip them when nothing that
 * goes into them changed. The key is a bundle of the same entry resolved as
 * bun resolves it (it covers every input source, Bun-only ones too) plus the
 * compiler version and flags.
 */
export function buildKey(...parts: string[]): string {
  const h = createHash("sha256");
  for (const p of parts) h.update(p).update("\0");
  return h.digest("hex");
}

function stampPath(outfile: string): string {
  return join(dirname(outfile), ".tscni-build", `${basename(outfile)}.key`);
}

export function isUpToDate(outfile: string, key: string): boolean {
  try {
    return existsSync(outfile) && readFileSync(stampPath(outfile), "utf8") === key;
  } catch {
    return false;
  }
}

export function recordKey(outfile: string, key: string): void {
  writeIfChanged(stampPath(outfile), key, 0o644);
}
