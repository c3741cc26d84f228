import { CniError, ErrorCode } from "@tscni/types";
import { NetnsError } from "./netns.js";
import { threadNetns } from "./thread-netns.js";

/** A result that is not a promise: what `withNetns`' function may return. */
export type Sync<T> = T extends PromiseLike<unknown> ? never : T;

/**
 * Go's ns.WithNetNSPath: run `fn` with this thread in the netns at `path`, and back in its
 * own netns afterwards, also when `fn` throws. `fn` must be synchronous: the switch is of
 * this thread, and an `await` would let other work run in the container's netns (or `fn`'s
 * continuation run back home). Standalone build only (setns through bun:ffi): under Node,
 * which cannot switch a thread, it throws a CniError saying so. A path that is not a netns
 * is NetnsError (code 8).
 */
export async function withNetns<T>(path: string, fn: () => Sync<T>): Promise<T> {
  const enter = await threadNetns();
  if (!enter) {
    throw new CniError(ErrorCode.Internal, "withNetns needs the standalone build: this runtime cannot move a thread into another netns", "no setns(2) here: Node has no FFI, and a node bundle carries none also when bun runs it; use the @tscni/net operations, which exec into the netns here");
  }
  if (!path.startsWith("/")) throw new NetnsError(path, "not-netns", "netns path must be absolute");
  const r = enter(path, fn);
  if (r !== null && typeof r === "object" && typeof (r as { then?: unknown }).then === "function") {
    throw new CniError(ErrorCode.Internal, "withNetns: the function must be synchronous", "it returned a promise; its asynchronous part ran back in the caller's netns");
  }
  return r;
}
