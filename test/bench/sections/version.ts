// VERSION startup: the cost every exec pays before doing any work.
import { existsSync } from "node:fs";
import { bunBinary, distPath } from "@tscni/testing/repo";
import type { BenchCase, BenchSection } from "../framework.js";
import { installedNodeBundle } from "../node-bundles.js";

const GO_LOOPBACK = "/usr/lib/cni/loopback";
const env = { CNI_COMMAND: "VERSION" };

export const section: BenchSection = {
  id: "version",
  title: "VERSION startup: tscni fixture plugin vs Go reference loopback",
  baseline: "go loopback",
  floor: "spawn floor (/bin/true)",
  runs: 60,
  notes: [
    "children get only PATH and CNI_COMMAND: NODE_EXTRA_CA_CERTS and NODE_OPTIONS are unset",
    "node bundle run as the runtime does: exec of the file, #!/usr/bin/env node",
    "spawn floor = /bin/true: the harness's own fork/exec/wait cost, included in every row",
  ],
  async setup() {
    const cases: BenchCase[] = [
      { name: "spawn floor (/bin/true)", argv: ["/bin/true"], env },
      { name: "go loopback", argv: [GO_LOOPBACK], env },
      { name: "fixture standalone", argv: [distPath("tscni-fixture", "standalone")], env },
      { name: "fixture node bundle", argv: [installedNodeBundle("tscni-fixture")], env },
      { name: "fixture node bundle @bun", argv: [bunBinary(), installedNodeBundle("tscni-fixture")], env },
    ];
    // Our loopback, once it is built, is the like-for-like comparison.
    const ours = distPath("loopback", "standalone");
    if (existsSync(ours)) cases.push({ name: "tscni loopback standalone", argv: [ours], env });
    return cases;
  },
};
