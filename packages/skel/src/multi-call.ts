import { CniError, ErrorCode } from "@tscni/types/errors";
import { CURRENT_VERSION } from "@tscni/types/version";
import { stdioFor } from "./stdio.js";

/*
 * A multi-call executable: one file holding many plugins, each run when the file is exec'd
 * under its name (a hard link, a symlink or a copy named `bridge`), as busybox does, or
 * named explicitly: `tscni-plugins bridge`. tscni-build --multi generates the entry that
 * calls multiCallMain with one loader per name; a loader imports that plugin's main.ts,
 * which runs it. Only the selected loader runs: nothing of the other plugins is evaluated.
 * Light imports only, and no node:fs unless there is an error to print (skel's stdio): this
 * is on every call's path, VERSION included.
 */

/** Name -> a dynamic import of the module that runs it (a plugin's main.ts, or a CLI's). */
export type MultiCallTable = Readonly<Record<string, () => Promise<unknown>>>;

/** A standalone Bun executable: its script is in Bun's embedded file system. */
const isCompiled = (): boolean => process.argv[1]?.startsWith("/$bunfs/") ?? false;

const baseName = (p: string): string => p.slice(p.lastIndexOf("/") + 1);

/**
 * The name this process was exec'd under. A compiled file's process.argv[0] is "bun" and
 * its execPath has the links resolved; Bun's process.argv0 is the kernel's argv[0] as
 * given to exec. Should a runtime ever give "bun" there too, the kernel's copy is read
 * (/proc/self/cmdline). A script (node bundle) is argv[1], as the shebang's interpreter
 * got it.
 */
export function invokedName(): string {
  if (!isCompiled()) return baseName(process.argv[1] ?? "");
  if (process.argv0 !== "" && process.argv0 !== "bun") return baseName(process.argv0);
  try {
    const cmdline = process.getBuiltinModule("node:fs").readFileSync("/proc/self/cmdline", "latin1");
    const end = cmdline.indexOf("\0");
    return baseName(end < 0 ? cmdline : cmdline.slice(0, end));
  } catch {
    return baseName(process.argv0);
  }
}

/** The file this process runs from: the compiled executable, or the script's path. */
export function ownExecutable(): string {
  if (isCompiled()) return process.execPath;
  const script = process.argv[1] ?? "";
  return script.startsWith("/") ? script : `${process.cwd()}/${script}`;
}

/**
 * Run the plugin this file was exec'd as: its basename when the table holds it, else the
 * first argument (`tscni-plugins NAME [ARGS...]`; removed from process.argv, so the plugin
 * or CLI sees only its own arguments). A name the table does not hold is the spec's error
 * JSON on stdout (code 4, naming every name held), exit 1; no name at all: usage on
 * stderr, exit 2 (error JSON too when CNI_COMMAND says a runtime is calling).
 */
export function multiCallMain(table: MultiCallTable): void {
  const names = Object.keys(table);
  const invoked = invokedName();
  let name = invoked;
  if (!Object.hasOwn(table, name)) {
    name = process.argv[2] ?? "";
    if (name !== "") process.argv.splice(2, 1);
  }
  if (name !== "" && Object.hasOwn(table, name)) {
    // A loader that fails is a broken build, not a call's outcome; report it as skel would.
    table[name]!().catch((e: unknown) => {
      write(1, `${JSON.stringify(new CniError(ErrorCode.Internal, `loading ${name} failed`, String(e)).toJSON(CURRENT_VERSION))}\n`);
      process.exit(1);
    });
    return;
  }
  const held = `it holds: ${names.join(", ")}`;
  if (name === "" && !process.env.CNI_COMMAND) {
    write(2, `usage: ${invoked} NAME [ARGS...], or exec it under one of its names (a link or copy named NAME)\n${held}\n`);
    process.exit(2);
  }
  const msg = name === "" ? `${invoked} is not a plugin this executable holds` : `no plugin named ${JSON.stringify(name)} in this executable`;
  write(1, `${JSON.stringify(new CniError(ErrorCode.InvalidEnv, msg, held).toJSON(CURRENT_VERSION))}\n`);
  process.exit(1);
}

/** Whole and synchronous (the process exits next), as skel writes a plugin's answer. */
const write = (fd: number, s: string): void => stdioFor(process.env.CNI_COMMAND).write(fd, s);
