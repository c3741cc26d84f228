// Inside this repository every tool resolves our packages to their TypeScript source (the
// "tscni-source" export condition), so no test needs a compiled dist/: vitest's own resolver
// and its workers, and the node (tsx) and bun processes tests start. published.test.ts shows
// the other side: from a consumer's node_modules they resolve to dist/.
import { execFileSync } from "node:child_process";
import { join } from "node:path";
import { pathToFileURL } from "node:url";
import { describe, expect, it } from "vitest";
import { parseCniArgs } from "@tscni/types";
import { bunTs, nodeTs } from "@tscni/testing/repo";
import { publishedPackages } from "../../scripts/compile-packages.js";

type Target = { "tscni-source"?: string; bun?: { "tscni-source": string } };
const entries = publishedPackages().flatMap((p) =>
  Object.entries((p.pkg["exports"] ?? {}) as Record<string, Target>).map(([sub, target]) => ({
    spec: sub === "." ? p.name : `${p.name}${sub.slice(1)}`,
    source: pathToFileURL(join(p.dir, target["tscni-source"]!)).href,
    // Bun also resolves the "bun" condition, which a Bun-only module sits under.
    bunSource: pathToFileURL(join(p.dir, (target.bun ?? target)["tscni-source"]!)).href,
  })),
);

describe("in this repository our packages resolve to their source", () => {
  it("in vitest: every export of every published package", () => {
    expect(entries.length).toBeGreaterThan(20);
    for (const e of entries) expect(import.meta.resolve(e.spec), e.spec).toBe(e.source);
    // and the module vitest evaluated is that file: the frame that threw names it
    expect(() => parseCniArgs("no-equals-sign")).toThrowError(expect.objectContaining({ stack: expect.stringContaining(join("packages", "types", "src", "cni-args.ts")) }));
  });

  it("in the node (tsx) and bun processes the tests start", () => {
    const script = join(import.meta.dirname, "fixtures", "resolve.ts");
    const specs = entries.map((e) => e.spec);
    const resolved = (argv: string[]) => JSON.parse(execFileSync(argv[0]!, argv.slice(1), { encoding: "utf8", cwd: import.meta.dirname }));
    expect(resolved(nodeTs(script, ...specs)), "node").toEqual(entries.map((e) => e.source));
    expect(resolved(bunTs(script, ...specs)), "bun").toEqual(entries.map((e) => e.bunSource));
    expect(entries.filter((e) => e.bunSource !== e.source).map((e) => e.spec)).toEqual(["@tscni/state/bun-libc"]);
  });
});
