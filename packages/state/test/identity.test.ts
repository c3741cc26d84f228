import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { identityAs, identityLine, identityOf, multiIdentityLine, readBuildIdentity, readIdentity } from "../src/identity.js";

const dir = mkdtempSync(join(tmpdir(), "tscni-identity-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
const file = (name: string, content: string | Buffer) => {
  const p = join(dir, name);
  writeFileSync(p, content);
  return p;
};

describe("identity trailer", () => {
  it("reads back what identityLine wrote, after any content", () => {
    const id = identityOf("@tscni/host-local", "1.2.3-rc.1");
    expect(id).toBe("@tscni/host-local@1.2.3-rc.1");
    expect(readIdentity(file("big", Buffer.concat([Buffer.alloc(100_000, 0xff), Buffer.from(identityLine(id))])))).toBe(id);
    expect(readIdentity(file("small", identityLine(id)))).toBe(id);
  });

  it("is only the last line: a trailer followed by more bytes, or none at all, is no identity", () => {
    expect(readIdentity(file("after", `${identityLine("@a/b@1.0.0")}more\n`))).toBeUndefined();
    expect(readIdentity(file("none", "#!/bin/sh\nexit 0\n"))).toBeUndefined();
    expect(readIdentity(file("empty", ""))).toBeUndefined();
    expect(readIdentity(file("no-newline", identityLine("@a/b@1.0.0").trimEnd()))).toBeUndefined();
  });

  it("refuses identities with odd characters, and files it cannot read", () => {
    expect(readIdentity(file("spaces", identityLine("a b@1")))).toBeUndefined();
    expect(readIdentity(file("noversion", identityLine("host-local")))).toBeUndefined();
    expect(readIdentity(join(dir, "missing"))).toBeUndefined();
    expect(readIdentity(dir)).toBeUndefined(); // a directory
  });
});

describe("multi-call trailer", () => {
  const held = [
    { name: "bridge", identity: "@tscni/bridge@0.1.0" },
    { name: "host-local", identity: "@tscni/host-local@0.1.0" },
    { name: "set-mtu" }, // a package without a version: held, but with no identity to match
  ];

  it("lists every name with the package it runs; identityAs answers per name", () => {
    const line = multiIdentityLine(held);
    expect(line).toBe("\n// tscni-plugins bridge=@tscni/bridge@0.1.0 host-local=@tscni/host-local@0.1.0 set-mtu\n");
    const b = readBuildIdentity(file("multi", Buffer.concat([Buffer.alloc(200_000, 0x0a), Buffer.from(line)])));
    expect(b).toEqual({ kind: "multi", held });
    expect(identityAs(b, "host-local")).toBe("@tscni/host-local@0.1.0");
    expect(identityAs(b, "set-mtu")).toBeUndefined();
    expect(identityAs(b, "loopback")).toBeUndefined(); // not held
    // readIdentity is the single-plugin reading: a multi-call file has no one identity
    expect(readIdentity(file("multi2", line))).toBeUndefined();
  });

  it("a single-plugin file runs its package under any name", () => {
    const b = readBuildIdentity(file("single", identityLine("@tscni/host-local@0.1.0")));
    expect(b).toEqual({ kind: "single", identity: "@tscni/host-local@0.1.0" });
    expect(identityAs(b, "host-local")).toBe("@tscni/host-local@0.1.0");
    expect(identityAs(b, "whatever")).toBe("@tscni/host-local@0.1.0");
    expect(identityAs(undefined, "host-local")).toBeUndefined();
  });

  it("room for a long list; a bad word anywhere makes it no identity; bad names are refused when written", () => {
    const many = Array.from({ length: 60 }, (_, i) => ({ name: `plugin-${i}`, identity: `@some-scope/plugin-${i}@10.20.30` }));
    expect(readBuildIdentity(file("many", multiIdentityLine(many)))).toEqual({ kind: "multi", held: many });
    expect(readBuildIdentity(file("bad-word", "\n// tscni-plugins bridge=@tscni/bridge@0.1.0 x=y z\n"))).toBeUndefined();
    expect(readBuildIdentity(file("empty-list", "\n// tscni-plugins \n"))).toBeUndefined();
    expect(() => multiIdentityLine([{ name: "a/b" }])).toThrow(/invalid plugin name/);
    expect(() => multiIdentityLine([{ name: "a", identity: "no version" }])).toThrow(/invalid identity/);
  });
});
