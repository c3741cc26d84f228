import { CniError, ErrorCode } from "@tscni/types";
import type { NetError } from "./errors.js";
import { libc } from "./libc.js";
import type { Netns } from "./netns.js";
import type { NetOp } from "./ops.js";

/** How far a plan got: the results of the ops done, and the NetError of the one that failed. */
export interface PlanRun {
  results: unknown[];
  error?: NetError | undefined;
}

/**
 * How host operations reach the kernel. Both give the same results and the same errors;
 * which one runs is decided here, once per process, and nowhere else.
 */
export interface Backend {
  readonly name: "netlink" | "iproute2";
  /** Runs checked ops in order in `ns`, stopping at the first failure (ops may still be being worked out). */
  run(ns: Netns, ops: readonly NetOp[] | Promise<readonly NetOp[]>): Promise<PlanRun>;
}

export const BACKEND_ENV = "TSCNI_NET_BACKEND";

let chosen: Promise<Backend> | undefined;

/**
 * In-process rtnetlink (and setns) where the runtime has FFI, i.e. the standalone build;
 * iproute2 (`ip -json`, `ip -batch`) elsewhere, or when TSCNI_NET_BACKEND=iproute2.
 */
export function backend(): Promise<Backend> {
  chosen ??= (async () => {
    const forced = process.env[BACKEND_ENV] || undefined;
    if (forced !== undefined && forced !== "iproute2" && forced !== "netlink") {
      throw new CniError(ErrorCode.InvalidEnv, `${BACKEND_ENV} must be "iproute2" or "netlink"`, `${BACKEND_ENV} is ${JSON.stringify(forced)}`);
    }
    // Loaded on first use: a verb that touches no link (VERSION) evaluates neither. `#netlink` is
    // the netlink backend only under the "bun" export condition (none in a node bundle).
    if (forced !== "iproute2" && libc()) {
      const { netlinkBackend } = await import("#netlink");
      if (netlinkBackend) return netlinkBackend;
    }
    if (forced === "netlink") throw new CniError(ErrorCode.InvalidEnv, `${BACKEND_ENV}=netlink needs the standalone build (in-process netlink through bun:ffi)`);
    return (await import("./iproute2/backend.js")).iproute2Backend;
  })();
  return chosen;
}

/** Which backend runs (tests and diagnostics; a plugin never needs to know). */
export const backendName = async (): Promise<Backend["name"]> => (await backend()).name;

/** Whether this thread can switch netns itself (setns through bun:ffi) rather than exec into one. */
export const threadSwitching = async (): Promise<boolean> => (await backend()).name === "netlink";
