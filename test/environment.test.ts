import { existsSync } from "node:fs";
import { describe, expect, it } from "vitest";

// Suites that need these tools skip themselves where a tool is missing (a developer's
// laptop). In CI they must all run, so a failed install fails here, not silently.
const NEEDED = [
  "/usr/lib/cni/host-local", "/usr/lib/cni/bridge", "/usr/lib/cni/loopback", "/usr/lib/cni/static",
  "/usr/lib/cni/portmap", "/usr/lib/cni/firewall", "/usr/lib/cni/tuning",
  "/usr/sbin/nft", "/usr/sbin/iptables", "/usr/bin/strace", "/usr/bin/ping", "/usr/bin/flock", "/usr/bin/nsenter",
  // cluster-ipam: a real etcd cluster, certificates, members that die with their test
  "/usr/bin/etcd", "/usr/bin/etcdctl", "/usr/bin/openssl", "/usr/bin/setpriv",
  // the installer image (deploy/): podman, with runc (crun refuses hybrid cgroups), and ldd
  "/usr/bin/podman", "/usr/sbin/runc", "/usr/bin/ldd",
];

describe.runIf(process.env.CI === "true")("CI environment", () => {
  it.each(NEEDED)("has %s", (path) => expect(existsSync(path)).toBe(true));
});
