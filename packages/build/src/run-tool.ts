import { spawn } from "node:child_process";

/** Run a build tool with an argument array; reject with its output when it fails. */
export function runTool(argv: readonly string[], cwd?: string): Promise<string> {
  const [file, ...args] = argv;
  return new Promise((resolve, reject) => {
    const child = spawn(file!, args, { cwd, stdio: ["ignore", "pipe", "pipe"] });
    let out = "";
    child.stdout.on("data", (d: Buffer) => (out += d));
    child.stderr.on("data", (d: Buffer) => (out += d));
    child.on("error", reject);
    child.on("close", (code) => (code === 0 ? resolve(out) : reject(new Error(`${argv.join(" ")} exited ${code}:\n${out}`))));
  });
}
