import { describe, expect, it } from "vitest";
import { CniError, parseCniArgs } from "../src/index.js";
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
