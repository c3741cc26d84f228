import { describe, expect, it } from "vitest";
import { CniError, cniArgBool, loadCniArgs, parseCniArgs } from "../src/index.js";
import { code } from "./catch.js";


// Acceptance follows Go's types.LoadArgs: split on ";", each part split on "=" must give exactly two pieces.
describe("parseCniArgs", () => {
  it("empty string is no args", () => {
    expect(parseCniArgs("")).toEqual([]);
  });

  it("parses pairs in order, keeping duplicates", () => {
    expect(parseCniArgs("IgnoreUnknown=1;K8S_POD_NAMESPACE=default;K8S_POD_NAME=web-0;IP=10.1.0.9")).toEqual([
      ["IgnoreUnknown", "1"], ["K8S_POD_NAMESPACE", "default"], ["K8S_POD_NAME", "web-0"], ["IP", "10.1.0.9"],
    ]);
    expect(parseCniArgs("A=1;A=2")).toEqual([["A", "1"], ["A", "2"]]);
  });

  it("empty keys and values are allowed and nothing is trimmed", () => {
    expect(parseCniArgs("A=")).toEqual([["A", ""]]);
    expect(parseCniArgs("=v")).toEqual([["", "v"]]);
    expect(parseCniArgs(" A = b ")).toEqual([[" A ", " b "]]);
  });

  it("a trailing ';' leaves an empty pair: error code 4, like Go", () => {
    expect(code(() => parseCniArgs("A=1;"))).toBe(4);
    expect(code(() => parseCniArgs(";"))).toBe(4);
    expect(code(() => parseCniArgs("A=1;;B=2"))).toBe(4);
  });

  it("'=' inside a value is rejected (Go splits on every '=')", () => {
    expect(code(() => parseCniArgs("A=b=c"))).toBe(4);
    expect(code(() => parseCniArgs("K8S_POD_NAME=x;LABEL=a=b"))).toBe(4);
  });

  it("a pair without '=' is rejected and the message quotes it", () => {
    expect(code(() => parseCniArgs("novalue"))).toBe(4);
    expect(() => parseCniArgs("A=1;oops")).toThrow(/invalid pair "oops"/);
  });
});

describe("loadCniArgs (Go's types.LoadArgs)", () => {
  const read = (s: string) =>
    loadCniArgs(parseCniArgs(s), ["IP", "K8S_POD_NAME"], (get) => ({ ip: get("IP"), pod: get("K8S_POD_NAME") }));

  it("reads the keys it knows", () => {
    expect(read("IP=10.1.0.5;K8S_POD_NAME=web-1")).toEqual({ ip: "10.1.0.5", pod: "web-1" });
    expect(read("")).toEqual({ ip: undefined, pod: undefined });
  });

  it("refuses a key it does not know (code 4, naming it) unless IgnoreUnknown is true", () => {
    expect(() => read("IP=10.1.0.5;FOO=bar")).toThrowError(expect.objectContaining({ code: 4, message: 'CNI_ARGS: unknown args "FOO"' }));
    expect(read("IgnoreUnknown=1;FOO=bar;IP=10.1.0.5")).toEqual({ ip: "10.1.0.5", pod: undefined });
    expect(read("FOO=bar;IgnoreUnknown=true")).toEqual({ ip: undefined, pod: undefined });
    expect(() => read("IgnoreUnknown=0;FOO=bar")).toThrow(/unknown args/);
    expect(() => read("IgnoreUnknown=maybe")).toThrowError(expect.objectContaining({ code: 4, details: expect.stringContaining("maybe") }));
  });

  it("booleans as Go's UnmarshallableBool", () => {
    expect(["1", "true", "TRUE", "0", "false", "False", "yes"].map(cniArgBool)).toEqual([true, true, true, false, false, false, undefined]);
  });
});
