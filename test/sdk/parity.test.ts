// The same requests give byte-identical stdout and the same exit status in every mode.
import { describe, expect, it } from "vitest";
import { allModes, cniEnv, conf } from "./modes.js";
import type { RunPluginOptions } from "@tscni/testing";

const modes = await allModes();

const requests: Array<[string, RunPluginOptions]> = [
  ["VERSION", { env: { CNI_COMMAND: "VERSION" } }],
  ["ADD 1.1.0", { env: cniEnv("ADD", { CNI_ARGS: "A=1" }), stdin: conf("1.1.0", { dns: { search: ["svc"] } }) }],
  ["ADD 0.2.0", { env: cniEnv("ADD"), stdin: conf("0.2.0") }],
  ["DEL", { env: cniEnv("DEL"), stdin: conf("0.4.0") }],
  ["GC", { env: { CNI_COMMAND: "GC", CNI_PATH: "/x" }, stdin: conf("1.1.0", { "cni.dev/valid-attachments": [] }) }],
  ["bad env", { env: cniEnv("ADD", { CNI_IFNAME: "a/b" }), stdin: conf() }],
  ["bad stdin", { env: cniEnv("ADD"), stdin: "}" }],
  ["bad config", { env: cniEnv("ADD"), stdin: conf("1.0.0", { fixture: { code: "x" } }) }],
  ["bad CNI_ARGS", { env: cniEnv("ADD", { CNI_ARGS: "novalue" }), stdin: conf() }],
  ["CniError", { env: cniEnv("CHECK"), stdin: conf("1.1.0", { fixture: { failOn: ["CHECK"], code: 3, msg: "gone" } }) }],
  ["Error", { env: cniEnv("ADD"), stdin: conf("1.1.0", { fixture: { failOn: ["ADD"], failWith: "error" } }) }],
];

describe("parity across in-process, standalone, node bundle under node and under bun", () => {
  for (const [label, req] of requests) {
    it(label, async () => {
      const outs = await Promise.all(modes.map(async (m) => {
        const r = await m.run(req);
        return { mode: m.name, exitCode: r.exitCode, stdout: r.stdout.trim() };
      }));
      const [first, ...rest] = outs;
      if (label !== "DEL" && label !== "GC") expect(first!.stdout).not.toBe("");
      // JSON.parse's message comes from the JS engine (V8 vs JavaScriptCore): compare the rest.
      const norm = (o: typeof first) => (label === "bad stdin" ? { ...o!, stdout: (JSON.parse(o!.stdout) as { code: number }).code } : o);
      for (const o of rest) expect({ ...norm(o), mode: first!.mode }).toEqual(norm(first));
    });
  }
});
