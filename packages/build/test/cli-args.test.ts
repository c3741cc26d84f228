import { describe, expect, it } from "vitest";
import { parseArgs } from "../src/cli.js";

describe("tscni-build arguments", () => {
  it("defaults to the standalone target", () => {
    expect(parseArgs(["src/main.ts", "-o", "out/x"])).toEqual({ entry: "src/main.ts", target: "standalone", outfile: "out/x", force: false });
  });
  it("accepts --target and --outfile in both spellings", () => {
    expect(parseArgs(["--target", "node", "m.ts", "--outfile=o", "--force"])).toEqual({ entry: "m.ts", target: "node", outfile: "o", force: true });
    expect(parseArgs(["--target=standalone", "-o", "o", "m.ts"]).target).toBe("standalone");
  });
  it("--embed adds a delegate (repeatable, replaces package.json's list); --no-embed embeds none", () => {
    expect(parseArgs(["m.ts", "-o", "o"]).embed).toBeUndefined();
    expect(parseArgs(["m.ts", "-o", "o", "--embed", "@tscni/host-local", "--embed=ipam=./x"]).embed).toEqual(["@tscni/host-local", "ipam=./x"]);
    expect(parseArgs(["m.ts", "-o", "o", "--no-embed"]).embed).toEqual([]);
    expect(() => parseArgs(["m.ts", "-o", "o", "--embed"])).toThrow(/needs a value/);
  });
  it("rejects unknown targets, options, extra arguments and missing values", () => {
    expect(() => parseArgs(["m.ts", "--target", "deno", "-o", "o"])).toThrow(/unknown target/);
    expect(() => parseArgs(["m.ts", "-o", "o", "--fast"])).toThrow(/unknown option/);
    expect(() => parseArgs(["m.ts", "n.ts", "-o", "o"])).toThrow(/unexpected argument/);
    expect(() => parseArgs(["m.ts", "-o"])).toThrow(/needs a value/);
    expect(() => parseArgs(["m.ts"])).toThrow(/usage/);
  });
});
