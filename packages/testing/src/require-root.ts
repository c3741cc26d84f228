import { accessSync, constants } from "node:fs";

/**
 * What a plugin's network tests need from the host, as one message per thing missing:
 * Linux, root (network namespaces, veths, firewall rules), iproute2 and util-linux.
 */
export function hostProblems(): string[] {
  const problems: string[] = [];
  if (process.platform !== "linux") problems.push(`these tests need Linux (network namespaces); this is ${process.platform}`);
  else if (process.getuid?.() !== 0) problems.push("these tests create network namespaces and veths: run them as root (sudo npm test)");
  for (const [tool, pkg] of [["ip", "iproute2"], ["nsenter", "util-linux"]] as const) {
    if (!onPath(tool)) problems.push(`${tool} is not on PATH: install ${pkg}`);
  }
  return problems;
}

function onPath(tool: string): boolean {
  for (const dir of (process.env.PATH ?? "").split(":").filter(Boolean)) {
    try {
      accessSync(`${dir}/${tool}`, constants.X_OK);
      return true;
    } catch {
      // next directory
    }
  }
  return false;
}

/**
 * vitest globalSetup (`globalSetup: ["@tscni/testing/require-root"]`): stops the run before
 * any test when the host cannot run them, saying what is missing.
 */
export default function requireRoot(): void {
  const problems = hostProblems();
  if (problems.length === 0) return;
  throw new Error(`cannot run these tests here:\n  - ${problems.join("\n  - ")}`);
}
