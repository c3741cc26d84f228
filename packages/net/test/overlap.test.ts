// applyOverlapped (@tscni/net/overlap) runs a plan in a process of its own even where this
// process talks netlink itself (the standalone build): run under bun, whose backend is
// netlink, and count the `ip` execs.
import { execFileSync } from "node:child_process";
import { resolve } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { cleanupAll, leftoverNetns, newNetns } from "./sandbox.js";
import { underBun } from "./under-bun.js";

afterEach(() => {
  cleanupAll();
  expect(leftoverNetns()).toEqual([]);
});

const src = (f: string) => JSON.stringify(resolve(import.meta.dirname, "../src", f));
const IMPORTS = `import { applyOverlapped, openNetns } from ${src("overlap.ts")};
import { backendName } from ${src("backend.ts")};
import { execStats } from ${src("exec.ts")};`;

const links = (ns: string) => execFileSync("ip", ["-n", ns, "-o", "link", "show"], { encoding: "utf8" });

describe("a plan in a process of its own", () => {
  it("runs each plan as one ip exec under the netlink backend, with apply's results and errors", () => {
    const host = newNetns();
    const cont = newNetns();
    for (const n of ["ov0", "ov1"]) execFileSync("ip", ["-n", cont.name, "link", "add", n, "type", "veth", "peer", "name", `${n}p`]);
    const out = underBun(
      host.name,
      IMPORTS,
      `const ns = await openNetns(${JSON.stringify(cont.path)});
const first = await applyOverlapped(ns, [{ op: "deleteLink", name: "ov0" }, { op: "deleteLink", name: "ov1" }]);
const again = await applyOverlapped(ns, [{ op: "deleteLink", name: "ov0" }]);
const bad = await applyOverlapped(ns, [{ op: "deleteLink", name: "a b" }]).catch((e) => ({ code: e.code, msg: e.message }));
console.log(JSON.stringify({ backend: await backendName(), first, again, bad, ipExecs: execStats().byProgram.ip ?? 0 }));`,
    );
    expect(out.backend).toBe("netlink");
    expect(out.first).toEqual([true, true]); // one plan, one exec
    expect(out.again).toEqual([false]); // already gone: a result, as apply's
    expect(out.bad.code).toBe(7); // checked before anything runs
    expect(out.bad.msg).toMatch(/^invalid interface name/);
    expect(out.ipExecs).toBe(2); // the plan that failed its check never ran
    expect(links(cont.name)).not.toMatch(/ov[01]/); // each peer went with its link
  });
});
