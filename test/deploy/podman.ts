// podman for the deploy tests, kept away from the machine: a private --root/--runroot (vfs
// storage), --network=none for every container, its own cgroup parent, file events, and
// rlimits no higher than this sandbox allows. Everything it made goes with remove().
import { mkdtempSync, readdirSync, rmdirSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { exec, type ExecResult } from "@tscni/testing";

const CGROUP_ROOT = "/sys/fs/cgroup";

export class Podman {
  readonly dir = mkdtempSync(join(tmpdir(), "tdp-"));
  readonly cgroupParent = `/tscni-test-${process.pid}`;
  private readonly base = [
    "podman",
    "--root", join(this.dir, "root"),
    "--runroot", join(this.dir, "runroot"),
    "--storage-driver", "vfs",
    "--cgroup-manager", "cgroupfs",
    "--events-backend", "file",
    // crun refuses this machine's hybrid cgroup layout; runc does not
    "--runtime", "runc",
  ];

  run(args: readonly string[], timeoutMs = 180_000): Promise<ExecResult> {
    return exec([...this.base, ...args], { timeoutMs, env: { PATH: process.env.PATH ?? "", HOME: this.dir, XDG_CONFIG_HOME: this.dir, TMPDIR: this.dir } });
  }

  /** `podman run --rm` with no network and modest rlimits (this sandbox cannot raise them). */
  container(args: readonly string[]): Promise<ExecResult> {
    return this.run(["run", "--rm", "--network=none", `--cgroup-parent=${this.cgroupParent}`, "--ulimit", "nofile=1024:1024", "--ulimit", "nproc=1024:1024", ...args]);
  }

  /** Remove images, storage and the cgroups podman made (also its libpod_parent/conmon when it made them). */
  async remove(hadLibpodParent: boolean): Promise<void> {
    await this.run(["rm", "--all", "--force"]).catch(() => undefined);
    await this.run(["rmi", "--all", "--force"]).catch(() => undefined);
    rmSync(this.dir, { recursive: true, force: true });
    const names = [this.cgroupParent.slice(1), ...(hadLibpodParent ? [] : ["libpod_parent"])];
    for (const hierarchy of readdirSync(CGROUP_ROOT)) {
      for (const name of names) removeCgroup(join(CGROUP_ROOT, hierarchy, name));
    }
  }
}

/** rmdir a cgroup and its children, deepest first (empty cgroups only: a live one stays). */
function removeCgroup(path: string): void {
  let entries: string[];
  try {
    entries = readdirSync(path, { withFileTypes: true }).filter((d) => d.isDirectory()).map((d) => d.name);
  } catch {
    return;
  }
  for (const e of entries) removeCgroup(join(path, e));
  try {
    rmdirSync(path);
  } catch {
    // still in use or not ours to remove
  }
}

export const libpodParentExists = (): boolean => readdirSync(CGROUP_ROOT).some((h) => {
  try {
    return readdirSync(join(CGROUP_ROOT, h)).includes("libpod_parent");
  } catch {
    return false;
  }
});
