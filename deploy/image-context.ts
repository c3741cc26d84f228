// Fill a Containerfile build context with the executable and what it needs to run in an
// empty image: the dynamic loader and the shared libraries `ldd` names, at the paths the
// executable expects them. Usage:
//   node --conditions=tscni-source --import tsx deploy/image-context.ts EXECUTABLE CONTEXT_DIR
// then `podman build -f deploy/Containerfile CONTEXT_DIR`.
import { spawnSync } from "node:child_process";
import { copyFileSync, mkdirSync, symlinkSync } from "node:fs";
import { dirname, join, resolve } from "node:path";
import { pathToFileURL } from "node:url";

/** The absolute paths `ldd` lists for `file` (libraries and the loader). */
export function linkedFiles(file: string): string[] {
  const r = spawnSync("ldd", [file], { encoding: "utf8" });
  if (r.status !== 0) throw new Error(`ldd ${file} failed: ${r.stderr || r.stdout}`);
  const out = new Set<string>();
  for (const line of r.stdout.split("\n")) {
    const m = /(?:=>\s*)?(\/\S+)\s+\(0x/.exec(line);
    if (m) out.add(m[1]!);
  }
  return [...out];
}

/**
 * Copy `executable` to CONTEXT/rootfs/usr/bin/tscni-plugins (with the name `tscni` linked to
 * it: the multi-call file runs the CLI under that name) and its libraries at the same paths
 * as on the build host; returns what was copied.
 */
export function prepareContext(executable: string, context: string): string[] {
  const rootfs = join(resolve(context), "rootfs");
  const place = (from: string, to: string) => {
    mkdirSync(dirname(join(rootfs, to)), { recursive: true });
    copyFileSync(from, join(rootfs, to));
  };
  place(executable, "/usr/bin/tscni-plugins");
  symlinkSync("tscni-plugins", join(rootfs, "usr/bin/tscni"));
  const libs = linkedFiles(executable);
  for (const lib of libs) place(lib, lib);
  return ["/usr/bin/tscni-plugins", ...libs];
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? "").href) {
  const [exe, ctx] = process.argv.slice(2);
  if (!exe || !ctx) {
    process.stderr.write("usage: node --conditions=tscni-source --import tsx deploy/image-context.ts EXECUTABLE CONTEXT_DIR\n");
    process.exit(2);
  }
  for (const f of prepareContext(exe, ctx)) process.stdout.write(`${f}\n`);
}
