import { statSync } from "node:fs";

/** Inode of a namespace of this process ("net" or "mnt"). */
export const nsInode = (kind: "net" | "mnt", pid: number | "self" = "self"): number => statSync(`/proc/${pid}/ns/${kind}`).ino;

/**
 * Refuse to run fuzz cases in the namespaces the test runner started in: a worker must be
 * inside the sandbox host netns (where plugins may create bridges) and in a mount namespace
 * of its own (where /var/lib/cni is a private tmpfs).
 */
export function assertSandboxed(parentNet: number, parentMnt: number): void {
  if (nsInode("net") === parentNet) throw new Error("refusing to fuzz: still in the test runner's network namespace");
  if (nsInode("mnt") === parentMnt) throw new Error("refusing to fuzz: still in the test runner's mount namespace");
}

/** A CNI_NETNS value (as the plugin gets it: execEnv) is safe when it is not a namespace file, or is one of ours. */
export function safeNetnsValue(value: string, ours: ReadonlySet<number>): boolean {
  let st;
  try {
    st = statSync(value);
  } catch {
    return true;
  }
  const nsfsDev = statSync("/proc/self/ns/net").dev;
  return st.dev !== nsfsDev || ours.has(st.ino);
}
