// ADD of the fixture plugin: full startup (config schema, validation, result conversion), no networking.
import { bunBinary, distPath } from "@tscni/testing/repo";
import type { BenchCase, BenchSection } from "../framework.js";
import { installedNodeBundle } from "../node-bundles.js";

const env = {
  CNI_COMMAND: "ADD",
  CNI_CONTAINERID: "bench",
  CNI_NETNS: "/var/run/netns/tb-bench-none",
  CNI_IFNAME: "eth0",
  CNI_PATH: "/usr/lib/cni",
};
const stdin = JSON.stringify({ cniVersion: "1.0.0", name: "bench", type: "tscni-fixture" });

export const section: BenchSection = {
  id: "fixture-add",
  title: "fixture ADD (parse + validate + convert, no networking) vs VERSION",
  baseline: "standalone VERSION",
  runs: 40,
  notes: ["the gap between VERSION and ADD is what config validation and result conversion cost"],
  async setup() {
    const bin = distPath("tscni-fixture", "standalone");
    const js = installedNodeBundle("tscni-fixture");
    const cases: BenchCase[] = [
      { name: "standalone VERSION", argv: [bin], env: { CNI_COMMAND: "VERSION" } },
      { name: "standalone ADD", argv: [bin], env, stdin },
      { name: "node bundle ADD", argv: [js], env, stdin },
      { name: "node bundle @bun ADD", argv: [bunBinary(), js], env, stdin },
    ];
    return cases;
  },
};
