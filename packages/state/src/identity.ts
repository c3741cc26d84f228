import { closeSync, fstatSync, openSync, readSync } from "node:fs";
import { isPluginName } from "@tscni/types/names";

/*
 * Every executable tscni-build makes ends with one line naming what it was built from. A
 * plugin that bundles another (the bridge bundles host-local) reads it to know that the
 * file CNI_PATH resolves to is that same code, and may then run it in-process instead of
 * exec'ing it: same answers, one process less. The line is a JS comment (the node target
 * stays valid JS) and sits after everything Bun's standalone loader reads, so it changes
 * nothing else. No imports beyond node:fs: early code uses it.
 *
 * A single-plugin file: `// tscni-plugin <package>@<version>` (it runs that package under
 * any name). A multi-call file: `// tscni-plugins <name>=<package>@<version> ...`, every
 * name it dispatches on with the package it runs under that name (a bare `<name>` for a
 * package without a version).
 */

const PREFIX = "\n// tscni-plugin ";
const MULTI_PREFIX = "\n// tscni-plugins ";
/** How much of a file's end is read: room for a multi-call list of ~100 names. */
const TAIL_BYTES = 4096;
const ID = /^[@\w./-]+@[\w.+-]+$/;

/** What an executable built from package `name` at `version` calls itself. */
export const identityOf = (name: string, version: string): string => `${name}@${version}`;

/** The trailer for an identity: `\n// tscni-plugin <name>@<version>\n`. */
export const identityLine = (identity: string): string => `${PREFIX}${identity}\n`;

/** One name a multi-call file answers to, and the package it runs then (none: unversioned). */
export interface HeldPlugin {
  name: string;
  identity?: string;
}

/** What an executable's trailer says it runs. */
export type BuildIdentity = { kind: "single"; identity: string } | { kind: "multi"; held: readonly HeldPlugin[] };

/** The trailer of a multi-call file: `\n// tscni-plugins name=<package>@<version> ...\n`. */
export function multiIdentityLine(held: readonly HeldPlugin[]): string {
  for (const h of held) {
    if (!isPluginName(h.name)) throw new Error(`invalid plugin name ${JSON.stringify(h.name)} for a multi-call file`);
    if (h.identity !== undefined && !ID.test(h.identity)) throw new Error(`invalid identity ${JSON.stringify(h.identity)}`);
  }
  return `${MULTI_PREFIX}${held.map((h) => (h.identity ? `${h.name}=${h.identity}` : h.name)).join(" ")}\n`;
}

/** What the file at `path` says it was built from, or undefined (no trailer, unreadable). */
export function readBuildIdentity(path: string): BuildIdentity | undefined {
  const tail = readTail(path);
  if (tail === undefined || !tail.endsWith("\n")) return undefined;
  const line = tail.slice(tail.lastIndexOf("\n", tail.length - 2));
  if (line.startsWith(PREFIX)) {
    const identity = line.slice(PREFIX.length, -1);
    return ID.test(identity) ? { kind: "single", identity } : undefined;
  }
  if (!line.startsWith(MULTI_PREFIX)) return undefined;
  const held: HeldPlugin[] = [];
  for (const word of line.slice(MULTI_PREFIX.length, -1).split(" ")) {
    const eq = word.indexOf("=");
    const name = eq < 0 ? word : word.slice(0, eq);
    const identity = eq < 0 ? undefined : word.slice(eq + 1);
    if (!isPluginName(name) || (identity !== undefined && !ID.test(identity))) return undefined;
    held.push(identity === undefined ? { name } : { name, identity });
  }
  return held.length > 0 ? { kind: "multi", held } : undefined;
}

/** The `<name>@<version>` a single-plugin executable was built from, or undefined (a multi-call file, not ours, unreadable). */
export function readIdentity(path: string): string | undefined {
  const b = readBuildIdentity(path);
  return b?.kind === "single" ? b.identity : undefined;
}

/**
 * The package a file runs when exec'd as `name`: a single-plugin file's identity (it
 * ignores its name), or the one a multi-call file holds under `name`.
 */
export function identityAs(build: BuildIdentity | undefined, name: string): string | undefined {
  if (build?.kind === "single") return build.identity;
  return build?.held.find((h) => h.name === name)?.identity;
}

function readTail(path: string): string | undefined {
  let fd: number | undefined;
  try {
    fd = openSync(path, "r");
    const size = fstatSync(fd).size;
    const len = Math.min(size, TAIL_BYTES);
    const buf = Buffer.alloc(len);
    readSync(fd, buf, 0, len, size - len);
    return buf.toString("latin1");
  } catch {
    return undefined;
  } finally {
    if (fd !== undefined) closeSync(fd);
  }
}
