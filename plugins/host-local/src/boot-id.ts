import { readFileSync } from "node:fs";

let cached: string | undefined;

/**
 * The kernel's id of the current boot ("" where there is none). The owner index is
 * written without fsync, so after a power loss its files may be stale or torn in any
 * combination; tagging the base with the boot it was built in makes every index file
 * of an earlier boot count as "no answer" (one full scan rebuilds it), whatever the
 * file system kept.
 */
export function bootId(): string {
  if (cached === undefined) {
    try {
      cached = readFileSync("/proc/sys/kernel/random/boot_id", "latin1").trim();
    } catch {
      cached = "";
    }
  }
  return cached;
}
