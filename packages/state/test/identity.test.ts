import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { identityLine, identityOf, readIdentity } from "../src/identity.js";

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
