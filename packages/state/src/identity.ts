import { closeSync, fstatSync, openSync, readSync } from "node:fs";

/*
 * Every executable tscni-build makes ends with one line naming the package and version
 * it was built from. A plugin that bundles another (the bridge bundles host-local) reads
 * it to know that the file CNI_PATH resolves to is that same code, and may then run it
 * in-process instead of exec'ing it: same answers, one process less. The line is a JS
 * comment (the node target stays valid JS) and sits after everything Bun's standalone
 * loader reads, so it changes nothing else. No imports beyond node:fs: early code uses it.
 */

const PREFIX = "\n// tscni-plugin ";
/** How much of a file's end readIdentity looks at. */
const TAIL_BYTES = 256;

/** What an executable built from package `name` at `version` calls itself. */
export const identityOf = (name: string, version: string): string => `${name}@${version}`;

/** The trailer for an identity: `\n// tscni-plugin <name>@<version>\n`. */
export const identityLine = (identity: string): string => `${PREFIX}${identity}\n`;

/** The `<name>@<version>` an executable was built from, or undefined (not ours, unreadable). */
export function readIdentity(path: string): string | undefined {
  let fd: number | undefined;
  try {
    fd = openSync(path, "r");
    const size = fstatSync(fd).size;
    const len = Math.min(size, TAIL_BYTES);
    const buf = Buffer.alloc(len);
    readSync(fd, buf, 0, len, size - len);
    const tail = buf.toString("latin1");
    const at = tail.lastIndexOf(PREFIX);
    if (at < 0 || !tail.endsWith("\n")) return undefined;
    const id = tail.slice(at + PREFIX.length, -1);
    return /^[@\w./-]+@[\w.+-]+$/.test(id) ? id : undefined;
  } catch {
    return undefined;
  } finally {
    if (fd !== undefined) closeSync(fd);
  }
}
