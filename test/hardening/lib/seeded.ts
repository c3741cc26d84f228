import { createHash } from "node:crypto";

/**
 * Deterministic numbers for the hardening suite: the same seed gives the same choices on
 * every run, whatever ran before (no shared generator state, so concurrent workers and
 * retries do not shift each other's draws).
 */

/** A 32-bit number from the seed and what the draw is for (e.g. "hold", cycle 17). */
export function draw(seed: number, ...what: Array<string | number>): number {
  return createHash("sha256").update(`${seed}:${what.join(":")}`).digest().readUInt32BE(0);
}

/** An integer in [0, n) from the seed and what the draw is for. */
export const drawBelow = (n: number, seed: number, ...what: Array<string | number>): number => draw(seed, ...what) % n;
