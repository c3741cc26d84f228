import { closeSync, openSync } from "node:fs";
import { describeError } from "@tscni/types";
import { libc } from "./libc.js";
import { NetnsError } from "./netns.js";

/*
 * setns(2) for the calling thread, through bun:ffi (libc.ts), so the standalone build can
 * open a netlink socket in a container's netns, or write its /proc/sys/net (which shows the
 * opener's netns), without exec'ing `ip`, nsenter or sysctl. Node has no setns: there (and
 * if libc cannot be opened) threadNetns() answers undefined and the caller execs as before. The switch lasts for synchronous
 * code only: nothing else runs on this thread until it is undone, and a failure to come
 * back ends the process, since every later exec would start in the wrong netns.
 */

const CLONE_NEWNET = 0x40000000;
type Setns = (fd: number, nstype: number) => number;

/** Runs `fn` synchronously with this thread in the netns at `path`, then switches back; NetnsError when it cannot enter. */
export type InNetnsSync = <T>(path: string, fn: () => T) => T;

/** The switcher, or undefined where setns is not available (Node): exec instead. */
export async function threadNetns(): Promise<InNetnsSync | undefined> {
  const c = libc();
  return c && (<T>(path: string, fn: () => T) => enter(c.setns, path, fn));
}

function enter<T>(setns: Setns, path: string, fn: () => T): T {
  const home = openSync("/proc/thread-self/ns/net", "r");
  let target: number;
  try {
    target = openSync(path, "r");
  } catch (e) {
    closeSync(home);
    const missing = (e as NodeJS.ErrnoException).code === "ENOENT";
    throw new NetnsError(path, missing ? "missing" : "not-netns", describeError(e));
  }
  try {
    if (setns(target, CLONE_NEWNET) !== 0) throw new NetnsError(path, "not-netns", "setns failed");
    try {
      return fn();
    } finally {
      if (setns(home, CLONE_NEWNET) !== 0) {
        process.stderr.write("tscni: could not return to the original netns; exiting\n");
        process.exit(70);
      }
    }
  } finally {
    closeSync(target);
    closeSync(home);
  }
}
