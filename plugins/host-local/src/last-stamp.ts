import { lstatSync } from "node:fs";
import { join } from "node:path";

/**
 * How tscni notices that another program (Go host-local, an older tscni) created
 * reservations: every reservation Go makes is followed by a write of
 * last_reserved_ip.<N> for each range set, so also of last_reserved_ip.0. tscni
 * replaces that file by rename with its mtime set to this fixed stamp; any other
 * writer leaves "now". A store whose last_reserved_ip.0 is missing or stamped has
 * only seen tscni reservations since tscni last stamped it.
 */
export const STAMP_SECONDS = 1_000_000_000.5; // 2001-09-09T01:46:40.5Z, exact in a double
const STAMP_MS = STAMP_SECONDS * 1000;
export const INDEX_DIR = ".tscni-index";
export const BASE_NAME = "base";
export const LAST0 = "last_reserved_ip.0";

/** Identity of last_reserved_ip.0 ("none" when missing); any write changes it. */
export interface LastSig {
  sig: string;
  foreign: boolean;
}

export function lastSig(dir: string): LastSig {
  try {
    const st = lstatSync(join(dir, LAST0));
    return { sig: `${st.ino}:${st.size}:${st.mtimeMs}:${st.ctimeMs}`, foreign: st.mtimeMs !== STAMP_MS };
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === "ENOENT") return { sig: "none", foreign: false };
    throw e;
  }
}
