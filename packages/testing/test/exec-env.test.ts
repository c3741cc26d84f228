import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import type { Plugin } from "@tscni/skel";
import { netConfSchema } from "@tscni/types";
import { execEnv, runExecutable, runInProcess } from "../src/index.js";
import { bunBinary } from "../repo/index.js";

// What an exec'd plugin sees must be what an in-process run hands it: a fuzz case once
// ADDed through the executable (a NUL in CNI_ARGS ended the value there) and DELed
// in-process with the raw value, and the two disagreed about the same call.

const dir = mkdtempSync(join(tmpdir(), "tb-env-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const printEnv = join(dir, "print-env.js");
writeFileSync(printEnv, "process.stdout.write(JSON.stringify(process.env));\n");

/** Names that break naive env handling; values of every JSON type (runtimes pass strings, tests may not). */
const hostile = {
  CNI_COMMAND: "STATUS",
  CNI_PATH: "/nonexistent",
  CNI_ARGS: "IP=10.0.0.1\0;junk",
  "K=V": "w",
  "N\0UL": "x",
  PLAIN: "",
  "": "empty name",
  "=lead": "eq",
  NUM: 5,
  BOOL: false,
  NULLISH: null,
  GONE: undefined,
  DUP: "first",
  "DUP=second": "x",
  UTF: "é漢字",
} as unknown as Record<string, string>;

const expected = {
  CNI_COMMAND: "STATUS",
  CNI_PATH: "/nonexistent",
  CNI_ARGS: "IP=10.0.0.1",
  K: "V=w",
  PLAIN: "",
  NUM: "5",
  BOOL: "false",
  NULLISH: "null",
  DUP: "first",
  UTF: "é漢字",
};

async function seenInProcess(env: Record<string, string>): Promise<Record<string, string | undefined>> {
  let seen: Record<string, string | undefined> | undefined;
  const plugin: Plugin<typeof netConfSchema> = {
    about: "env probe",
    config: netConfSchema,
    add: async () => ({ cniVersion: "1.1.0" }),
    del: async () => {},
    status: async (ctx) => {
      seen = { ...ctx.env };
    },
  };
  const r = await runInProcess(plugin as unknown as Plugin, { env, stdin: { cniVersion: "1.1.0", name: "n", type: "probe" } });
  expect(r.exitCode, r.stdout).toBe(0);
  return seen!;
}

async function seenByExec(env: Record<string, string>, interpreter: string): Promise<Record<string, string>> {
  const r = await runExecutable(printEnv, { env, interpreter });
  expect(r.exitCode, r.stderr).toBe(0);
  const { PATH: _path, ...rest } = r.json as Record<string, string>;
  return rest;
}

describe("execEnv: the env an exec delivers", () => {
  it("cuts at the first NUL, splits at the first '=', drops nameless entries, stringifies, first name wins", () => {
    expect(execEnv(hostile)).toEqual(expected);
    expect(execEnv({ A: "x\0y", B: "\0" })).toEqual({ A: "x", B: "" });
  });

  it.each([
    ["node", () => process.execPath],
    ["bun (what the standalone plugins run on)", () => bunBinary()],
  ])("a %s child sees exactly what runInProcess hands a plugin", async (_, interpreter) => {
    const inProcess = await seenInProcess(hostile);
    const exec = await seenByExec(hostile, interpreter());
    expect(exec).toEqual(expected);
    expect(inProcess).toEqual(exec);
  });
});
