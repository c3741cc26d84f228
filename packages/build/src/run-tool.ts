import { execa } from "execa";

/** Run a build tool with execa and an argument array; reject with its output (stdout and stderr interleaved) when it fails. */
export async function runTool(argv: readonly string[], cwd?: string): Promise<string> {
  const [file, ...args] = argv;
  const r = await execa(file!, args, { cwd, stdin: "ignore", all: true, stripFinalNewline: false, reject: false });
  if (r.exitCode === 0) return r.all;
  // Never started (ENOENT...): the errno error, as before.
  if (r.exitCode === undefined && r.signal === undefined) throw r.cause instanceof Error ? r.cause : new Error(r.message);
  throw new Error(`${argv.join(" ")} exited ${r.exitCode ?? r.signal}:\n${r.all}`);
}
