// Which export conditions a build resolves: our packages' source in this repository (node runs
// with --conditions=tscni-source), their compiled files in an author's project.
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { bundleForNode } from "../src/node-bundle.js";
import { defaultConditions, processConditions, SOURCE_CONDITION } from "../src/options.js";
import { REPO_ROOT } from "../src/dist-layout.js";

describe("export conditions", () => {
  it("reads node's --conditions and -C, in the arguments and in NODE_OPTIONS", () => {
    expect(processConditions([], "")).toEqual([]);
    expect(processConditions(["--conditions=a", "--conditions", "b", "-C", "c", "--import", "tsx"], "--max-old-space-size=100 -C=d --conditions=a")).toEqual(["a", "b", "c", "d"]);
  });

  it("a build defaults to our source only where the process resolves it: here (vitest hands its conditions to the workers)", () => {
    expect(processConditions()).toContain(SOURCE_CONDITION);
    expect(defaultConditions()).toEqual([SOURCE_CONDITION]);
  });

  it("the node bundle of a plugin built with the source condition takes the packages' TypeScript source", async () => {
    const { inputs } = await bundleForNode(join(REPO_ROOT, "plugins", "loopback", "src", "main.ts"), { conditions: [SOURCE_CONDITION] });
    expect(inputs).toContain("packages/skel/src/main.ts");
    expect(inputs.filter((i) => i.includes("/dist/"))).toEqual([]);
  });

  // The standalone side (Bun resolves the "bun" condition): test/sdk/net-parity.test.ts sees its
  // netlink errors, test/example-plugin's strace test sees no exec.
  it("a node bundle carries no Bun-only code: the modules beside it under the bun condition, nothing opens bun:ffi", async () => {
    const { code, inputs } = await bundleForNode(join(REPO_ROOT, "plugins", "loopback", "src", "main.ts"), { conditions: [SOURCE_CONDITION] });
    expect(inputs).toEqual(expect.arrayContaining(["packages/net/src/no-netlink.ts", "packages/state/src/no-libc.ts"]));
    expect(inputs.filter((i) => i.includes("/netlink/") || i.endsWith("/bun-libc.ts"))).toEqual([]);
    expect(code).not.toMatch(/\("bun:ffi"\)/); // opening it, as bun-libc.ts does
  });
});
