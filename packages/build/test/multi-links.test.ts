// dist/multi: one hard link of the multi-call file per name (placeMultiLinks, called by build-all).
import { existsSync, linkSync, mkdtempSync, readdirSync, readFileSync, renameSync, rmSync, statSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { placeMultiLinks } from "../src/multi-links.js";

let dir: string;
let file: string;
let links: string;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), "tb-links-"));
  file = join(dir, "tscni-plugins");
  links = join(dir, "multi");
  writeFileSync(file, "build 1");
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

const ino = (p: string) => statSync(p).ino;
/** What the build does to its output: a new file renamed over it (a new inode). */
const rebuild = (content: string) => {
  writeFileSync(`${file}.tmp`, content);
  renameSync(`${file}.tmp`, file);
};

describe("placeMultiLinks", () => {
  it("links every name to the file; a second run changes nothing", () => {
    expect(placeMultiLinks(file, links, ["bridge", "host-local"])).toEqual({ dir: links, linked: ["bridge", "host-local"], removed: [] });
    for (const n of ["bridge", "host-local"]) expect(ino(join(links, n))).toBe(ino(file));
    const before = ino(join(links, "bridge"));
    expect(placeMultiLinks(file, links, ["bridge", "host-local"])).toEqual({ dir: links, linked: [], removed: [] });
    expect(ino(join(links, "bridge"))).toBe(before);
    expect(readdirSync(links).sort()).toEqual(["bridge", "host-local"]);
  });

  it("a rebuilt file is relinked under every name: none keeps running the old build", () => {
    placeMultiLinks(file, links, ["bridge", "host-local"]);
    rebuild("build 2");
    expect(readFileSync(join(links, "bridge"), "utf8")).toBe("build 1");
    expect(placeMultiLinks(file, links, ["bridge", "host-local"]).linked).toEqual(["bridge", "host-local"]);
    for (const n of ["bridge", "host-local"]) {
      expect(ino(join(links, n))).toBe(ino(file));
      expect(readFileSync(join(links, n), "utf8")).toBe("build 2");
    }
  });

  it("replaces a name that is another file, and removes names the file no longer holds and dead runs' temp links", () => {
    placeMultiLinks(file, links, ["bridge", "loopback"]);
    writeFileSync(join(links, "bridge.tmp"), "x");
    rmSync(join(links, "bridge"));
    writeFileSync(join(links, "bridge"), "a single-plugin file");
    linkSync(file, join(links, ".bridge.tmp-2147483646")); // no such pid
    linkSync(file, join(links, `.loopback.tmp-${process.pid}`)); // a run still going: left to it
    const r = placeMultiLinks(file, links, ["bridge"]);
    expect(r.linked).toEqual(["bridge"]);
    expect(r.removed.sort()).toEqual([".bridge.tmp-2147483646", "bridge.tmp", "loopback"]);
    expect(ino(join(links, "bridge"))).toBe(ino(file));
    expect(readdirSync(links).sort()).toEqual([`.loopback.tmp-${process.pid}`, "bridge"]);
  });

  it("makes the directory when it is missing", () => {
    expect(existsSync(links)).toBe(false);
    placeMultiLinks(file, links, ["tscni"]);
    expect(ino(join(links, "tscni"))).toBe(ino(file));
  });
});
