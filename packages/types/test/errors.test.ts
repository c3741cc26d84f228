import { mkdirSync, readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { CniError, describeError, ErrorCode, ioFailure } from "../src/index.js";

function thrown(fn: () => unknown): unknown {
  try {
    fn();
  } catch (e) {
    return e;
  }
  throw new Error("expected a throw");
}

describe("describeError (details for an exception that is not a CniError)", () => {
  it("gives the name and message of an Error, never its stack", () => {
    const e = new TypeError("x is undefined");
    expect(e.stack).toContain("    at ");
    expect(describeError(e)).toBe("TypeError: x is undefined");
    expect(describeError(new Error(""))).toBe("Error");
  });

  it("adds the errno name and number, syscall and path of a Node errno error", () => {
    const e = thrown(() => readFileSync("/nonexistent/tscni-errors-test"));
    expect(describeError(e)).toBe(
      "Error: ENOENT: no such file or directory, open '/nonexistent/tscni-errors-test' [errno ENOENT (2), syscall open, path /nonexistent/tscni-errors-test]",
    );
    const notDir = thrown(() => mkdirSync("/dev/null/x"));
    expect(describeError(notDir)).toMatch(/\[errno ENOTDIR \(20\), syscall mkdir, path \/dev\/null\/x\]$/);
  });

  it("reads errno fields from any error that carries them (NetlinkError has code and errno)", () => {
    const nl = Object.assign(new Error("ip link add a type veth peer name b: RTNETLINK answers: File exists"), { name: "NetlinkError", code: "EEXIST", errno: 17 });
    expect(describeError(nl)).toBe("NetlinkError: ip link add a type veth peer name b: RTNETLINK answers: File exists [errno EEXIST (17)]");
  });

  it("describes thrown values that are not errors", () => {
    expect(describeError("plain string")).toBe("plain string");
    expect(describeError({ a: 1 })).toBe('{"a":1}');
    expect(describeError(undefined)).toBe("undefined");
    expect(describeError(42)).toBe("42");
  });
});

describe("ioFailure", () => {
  it("is code 5 with a short msg and the errno and path in details", () => {
    const e = ioFailure("cannot read the store", thrown(() => readFileSync("/nonexistent/tscni-io")));
    expect(e).toBeInstanceOf(CniError);
    expect(e.code).toBe(ErrorCode.IoFailure);
    expect(e.message).toBe("cannot read the store");
    expect(e.details).toMatch(/errno ENOENT \(2\), syscall open, path \/nonexistent\/tscni-io/);
  });
});
