// The Bun floor every section compares against: console.log("hello world") compiled with
// our flags (tscni-build, BUN_FLAGS). Built once per bench run, next to dist/ (same filesystem).
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { buildExecutable } from "@tscni/build";
import { distPath } from "@tscni/testing/repo";

let built: Promise<{ dir: string; file: string }> | undefined;

/** The hello world's path; removed by `removeHelloWorld` (run.ts calls it when the run ends). */
export async function helloWorld(): Promise<string> {
  built ??= (async () => {
    const dir = mkdtempSync(join(dirname(dirname(distPath("loopback"))), ".bench-hello-"));
    writeFileSync(join(dir, "hello.ts"), 'console.log("hello world");\n');
    const file = (await buildExecutable(join(dir, "hello.ts"), { target: "standalone", outfile: join(dir, "hello") })).outfile;
    return { dir, file };
  })();
  return (await built).file;
}

export async function removeHelloWorld(): Promise<void> {
  if (!built) return;
  const { dir } = await built;
  built = undefined;
  rmSync(dir, { recursive: true, force: true });
}
