// The Bun floor programs the sections compare against, compiled with our flags (tscni-build,
// BUN_FLAGS) once per bench run, next to dist/ (same filesystem): a hello world
// (console.log), and test/bench/tools/fixtures' minimal VERSION and minimal loopback ADD,
// which do a call's work with nothing of the SDK but the config's schema.
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { buildExecutable } from "@tscni/build";
import { distPath } from "@tscni/testing/repo";

export type Floor = "hello-world" | "min-version" | "min-loopback";

let dir: string | undefined;
const built = new Map<Floor, Promise<string>>();

/** The floor program's path; run.ts removes them all when the run ends (removeFloors). */
export function floorProgram(name: Floor): Promise<string> {
  let p = built.get(name);
  if (!p) {
    dir ??= mkdtempSync(join(dirname(dirname(distPath("loopback"))), ".bench-floors-"));
    const d = dir;
    p = (async () => {
      let entry = fileURLToPath(new URL(`./tools/fixtures/${name}.ts`, import.meta.url));
      if (name === "hello-world") writeFileSync((entry = join(d, "hello.ts")), 'console.log("hello world");\n');
      return (await buildExecutable(entry, { target: "standalone", outfile: join(d, name) })).outfile;
    })();
    built.set(name, p);
  }
  return p;
}

export const helloWorld = (): Promise<string> => floorProgram("hello-world");

export async function removeFloors(): Promise<void> {
  await Promise.allSettled(built.values());
  built.clear();
  if (dir) rmSync(dir, { recursive: true, force: true });
  dir = undefined;
}
