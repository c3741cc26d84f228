import { describe, expect, it } from "vitest";
import { CniError } from "@tscni/types";
import { readCmdEnv } from "../src/env.js";
import { validateIfName } from "../src/names.js";
import { missingEnv } from "../src/precheck.js";

const full = { CNI_COMMAND: "ADD", CNI_CONTAINERID: "c1", CNI_NETNS: "/var/run/netns/x", CNI_IFNAME: "eth0", CNI_PATH: "/opt/cni/bin:/usr/lib/cni" };

function code(fn: () => unknown): number | undefined {
  try {
    fn();
  } catch (e) {
    return (e as CniError).code;
  }
  return undefined;
}

describe("readCmdEnv", () => {
  it("parses a complete ADD env", () => {
    const env = readCmdEnv({ ...full, CNI_ARGS: "IP=10.0.0.2" });
    expect(env).toMatchObject({ command: "ADD", containerId: "c1", ifname: "eth0", cniArgs: "IP=10.0.0.2", path: ["/opt/cni/bin", "/usr/lib/cni"], netnsOverride: false });
  });

  it.each([
    ["ADD", ["CNI_CONTAINERID", "CNI_NETNS", "CNI_IFNAME"]],
    ["CHECK", ["CNI_CONTAINERID", "CNI_NETNS", "CNI_IFNAME"]],
    ["DEL", ["CNI_CONTAINERID", "CNI_IFNAME"]],
  ])("%s names every missing required variable", (cmd, vars) => {
    try {
      readCmdEnv({ CNI_COMMAND: cmd });
      expect.fail("no error");
    } catch (e) {
      expect((e as CniError).code).toBe(4);
      expect((e as CniError).message).toBe(`required env variables [${vars.join(",")}] missing`);
    }
  });

  it.each(["ADD", "CHECK", "DEL", "GC", "STATUS", "INIT", "DEINIT"])("%s does not require CNI_PATH (only plugins that find delegates do), and still parses it", (cmd) => {
    for (const path of [undefined, ""]) expect(readCmdEnv({ ...full, CNI_COMMAND: cmd, CNI_PATH: path }).path).toEqual([]);
    expect(readCmdEnv({ ...full, CNI_COMMAND: cmd, CNI_PATH: "/a::/b:" }).path).toEqual(["/a", "/b"]);
  });

  it("verbs without container variables need none", () => {
    for (const cmd of ["GC", "STATUS", "INIT", "DEINIT", "VERSION"]) expect(readCmdEnv({ CNI_COMMAND: cmd }).command).toBe(cmd);
  });

  it("missingEnv (skel's rule, as early code asks it) agrees with readCmdEnv", () => {
    expect(missingEnv({ CNI_COMMAND: "DEL", CNI_CONTAINERID: "c", CNI_IFNAME: "eth0" }, "DEL")).toEqual([]);
    expect(missingEnv({ CNI_IFNAME: "eth0", CNI_PATH: "/x" }, "DEL")).toEqual(["CNI_CONTAINERID"]);
    expect(missingEnv({}, "ADD")).toEqual(["CNI_CONTAINERID", "CNI_NETNS", "CNI_IFNAME"]);
    expect(missingEnv({}, "GC")).toEqual([]);
  });

  it("DEL does not need CNI_NETNS; VERSION needs nothing", () => {
    expect(readCmdEnv({ ...full, CNI_COMMAND: "DEL", CNI_NETNS: "" }).netns).toBe("");
    expect(readCmdEnv({ CNI_COMMAND: "VERSION" }).command).toBe("VERSION");
  });

  it("rejects unknown and missing commands with code 4", () => {
    expect(code(() => readCmdEnv({ ...full, CNI_COMMAND: "add" }))).toBe(4);
    expect(code(() => readCmdEnv({ ...full, CNI_COMMAND: "" }))).toBe(4);
    expect(code(() => readCmdEnv({}))).toBe(4);
  });

  it("refusals carry the offending value or the allowed ones in details", () => {
    const err = (fn: () => unknown) => {
      try {
        fn();
      } catch (e) {
        return { msg: (e as CniError).message, details: (e as CniError).details };
      }
      return undefined;
    };
    expect(err(() => readCmdEnv({ ...full, CNI_COMMAND: "FROB" }))).toEqual({ msg: "unknown CNI_COMMAND: FROB", details: "CNI_COMMAND must be one of ADD, DEL, CHECK, STATUS, GC, VERSION, INIT, DEINIT" });
    expect(err(() => readCmdEnv({ ...full, CNI_CONTAINERID: "a;b" }))).toEqual({ msg: "invalid characters in containerID", details: 'CNI_CONTAINERID is "a;b"' });
    expect(err(() => readCmdEnv({ ...full, CNI_IFNAME: "a/b" }))).toEqual({ msg: "interface name contains / or : or whitespace characters", details: 'CNI_IFNAME is "a/b"' });
    expect(err(() => readCmdEnv({ ...full, CNI_IFNAME: "x".repeat(16) }))).toEqual({ msg: "interface name is too long", details: `interface name should be at most 15 bytes; CNI_IFNAME is "${"x".repeat(16)}"` });
  });

  it("validates the container ID", () => {
    expect(code(() => readCmdEnv({ ...full, CNI_CONTAINERID: "../etc" }))).toBe(4);
    expect(code(() => readCmdEnv({ ...full, CNI_CONTAINERID: "a;rm -rf" }))).toBe(4);
    expect(code(() => readCmdEnv({ ...full, CNI_CONTAINERID: "-leading" }))).toBe(4);
    expect(code(() => readCmdEnv({ ...full, CNI_CONTAINERID: "ok_id.1-2" }))).toBeUndefined();
  });

  it("blanks container variables for verbs that do not take them", () => {
    for (const cmd of ["STATUS", "GC", "INIT", "DEINIT", "VERSION"]) {
      const env = readCmdEnv({ ...full, CNI_COMMAND: cmd, CNI_ARGS: "" });
      expect({ cmd, c: env.containerId, n: env.netns, i: env.ifname }).toEqual({ cmd, c: "", n: "", i: "" });
    }
  });

  it("reads CNI_NETNS_OVERRIDE", () => {
    expect(readCmdEnv({ ...full, CNI_NETNS_OVERRIDE: "true" }).netnsOverride).toBe(true);
    expect(readCmdEnv({ ...full, CNI_NETNS_OVERRIDE: "1" }).netnsOverride).toBe(true);
    expect(readCmdEnv({ ...full, CNI_NETNS_OVERRIDE: "no" }).netnsOverride).toBe(false);
  });
});

describe("validateIfName", () => {
  it.each(["eth0", "a", "x".repeat(15), "net1.100", "vé"])("accepts %s", (n) => expect(code(() => validateIfName(n))).toBeUndefined());
  it.each(["", ".", "..", "x".repeat(16), "a/b", "a:b", "a b", "a\tb", "é".repeat(8), "net%d", "..%2f..", "a\u0000b", "a\u007fb"])("rejects %j", (n) => expect(code(() => validateIfName(n))).toBe(4));
});
