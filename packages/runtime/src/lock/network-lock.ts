import { createHash } from "node:crypto";
import { join } from "node:path";
import { acquireLock, type Release } from "@tscni/state";

/**
 * The serialisation of docs/lifecycle.md ("What the runtime guarantees"), as a reader/writer scheme over two flock files:
 * - INIT, DEINIT, GC hold the network lock exclusively (stop the world);
 * - ADD, DEL, CHECK hold it shared, plus the attachment's own lock exclusively,
 *   so distinct attachments run in parallel and one attachment never races itself.
 * Always network lock first, then attachment lock: no lock-order deadlock.
 * Attachment locks are hashed into 256 files so lock files do not pile up per pod;
 * two attachments sharing a bucket merely run one after the other.
 */
export function locksDir(cacheDir: string): string {
  return join(cacheDir, "tscni", "locks");
}

export function lockNetworkExclusive(cacheDir: string, network: string, timeoutMs: number): Promise<Release> {
  return acquireLock(join(locksDir(cacheDir), `${network}.lock`), "exclusive", timeoutMs, `network ${network}`);
}

export async function lockAttachment(cacheDir: string, network: string, containerId: string, ifName: string, timeoutMs: number): Promise<Release> {
  const releaseNet = await acquireLock(join(locksDir(cacheDir), `${network}.lock`), "shared", timeoutMs, `network ${network}`);
  try {
    const releaseAtt = await acquireLock(
      join(locksDir(cacheDir), "attachments", `${bucket(network, containerId, ifName)}.lock`),
      "exclusive",
      timeoutMs,
      `attachment ${containerId}/${ifName} of network ${network}`,
    );
    return () => {
      releaseAtt();
      releaseNet();
    };
  } catch (e) {
    releaseNet();
    throw e;
  }
}

function bucket(network: string, containerId: string, ifName: string): string {
  return createHash("sha256").update(`${network}\0${containerId}\0${ifName}`).digest("hex").slice(0, 2);
}
